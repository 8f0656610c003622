/* sink.c — the API the benchmark's flows call: answers every POST with 201 and counts them.
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: bench-sink PORT_FILE
 * Listens on 127.0.0.1 (a free port, written to PORT_FILE); GET /count answers the number of
 * POSTs received so far.
 *
 * In a real deployment the API runs on another machine; here it shares the benchmark's two
 * cores with the flow runner under test and with wrk. So it is as cheap as an HTTP/1.1 server
 * can be (one epoll loop, keep-alive, pipelining, no allocation per request), so that what is
 * measured is the runner, Conduit's or Node-RED's, and not the sink. It understands only what
 * the two clients send: requests with Content-Length bodies (or none). */

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define BUFFER_SIZE 65536

typedef struct
{
  int    fd;
  size_t used;
  char   buffer[BUFFER_SIZE];
} Connection;

static unsigned long long received;

static const char created[] =
  "HTTP/1.1 201 Created\r\n"
  "Content-Type: application/json\r\n"
  "Content-Length: 19\r\n"
  "\r\n"
  "{\"id\":1,\"ok\":true}\n";

/* The value of a header in a request head, or NULL. */
static const char *
find_header (const char *head,
             size_t      length,
             const char *name)
{
  size_t name_length = strlen (name);

  for (const char *line = memchr (head, '\n', length); line != NULL && line < head + length;
       line = memchr (line + 1, '\n', head + length - line - 1))
    {
      const char *start = line + 1;

      if ((size_t)(head + length - start) > name_length &&
          strncasecmp (start, name, name_length) == 0 && start[name_length] == ':')
        return start + name_length + 1;
    }

  return NULL;
}

/* Answers every complete request in the buffer; returns -1 when the connection should close. */
static int
serve_requests (Connection *connection)
{
  char out[8192];
  size_t out_used = 0;
  size_t done = 0;
  int close_after = 0;

  for (;;)
    {
      char *head = connection->buffer + done;
      size_t available = connection->used - done;
      char *end = memmem (head, available, "\r\n\r\n", 4);
      const char *value;
      size_t head_length, body_length = 0;

      if (end == NULL)
        break;
      head_length = end + 4 - head;
      value = find_header (head, head_length, "content-length");
      if (value != NULL)
        body_length = strtoul (value, NULL, 10);
      if (head_length + body_length > BUFFER_SIZE)
        return -1;
      if (available < head_length + body_length)
        break;

      if (find_header (head, head_length, "connection") != NULL)
        {
          value = find_header (head, head_length, "connection");
          while (*value == ' ')
            value++;
          close_after = strncasecmp (value, "close", 5) == 0;
        }

      if (out_used + 256 > sizeof out)
        {
          if (write (connection->fd, out, out_used) != (ssize_t)out_used)
            return -1;
          out_used = 0;
        }

      if (strncmp (head, "GET ", 4) == 0)
        {
          char body[32];
          int n = snprintf (body, sizeof body, "%llu\n", received);

          out_used += snprintf (out + out_used, sizeof out - out_used,
                                "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                                "Content-Length: %d\r\n\r\n%s", n, body);
        }
      else
        {
          received++;
          memcpy (out + out_used, created, sizeof created - 1);
          out_used += sizeof created - 1;
        }

      done += head_length + body_length;
      if (close_after)
        break;
    }

  if (out_used > 0 && write (connection->fd, out, out_used) != (ssize_t)out_used)
    return -1;

  memmove (connection->buffer, connection->buffer + done, connection->used - done);
  connection->used -= done;
  return close_after ? -1 : 0;
}

int
main (int    argc,
      char **argv)
{
  struct sockaddr_in address = { .sin_family = AF_INET };
  socklen_t address_length = sizeof address;
  struct epoll_event events[64];
  int listener, epoll_fd, one = 1;
  FILE *port_file;

  if (argc != 2)
    {
      fprintf (stderr, "usage: bench-sink PORT_FILE\n");
      return 1;
    }

  address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  listener = socket (AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  if (listener < 0 ||
      setsockopt (listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
      bind (listener, (struct sockaddr *)&address, sizeof address) != 0 ||
      listen (listener, 1024) != 0 ||
      getsockname (listener, (struct sockaddr *)&address, &address_length) != 0)
    {
      fprintf (stderr, "bench-sink: cannot listen: %s\n", strerror (errno));
      return 1;
    }

  port_file = fopen (argv[1], "w");
  if (port_file == NULL || fprintf (port_file, "%d\n", ntohs (address.sin_port)) < 0 ||
      fclose (port_file) != 0)
    {
      fprintf (stderr, "bench-sink: cannot write %s: %s\n", argv[1], strerror (errno));
      return 1;
    }

  epoll_fd = epoll_create1 (0);
  events[0].events = EPOLLIN;
  events[0].data.ptr = NULL;
  epoll_ctl (epoll_fd, EPOLL_CTL_ADD, listener, &events[0]);

  for (;;)
    {
      int n = epoll_wait (epoll_fd, events, 64, -1);

      for (int i = 0; i < n; i++)
        {
          Connection *connection = events[i].data.ptr;
          ssize_t got;

          if (connection == NULL)
            {
              int fd;

              while ((fd = accept4 (listener, NULL, NULL, SOCK_NONBLOCK)) >= 0)
                {
                  struct epoll_event event = { .events = EPOLLIN };

                  connection = calloc (1, sizeof *connection);
                  if (connection == NULL)
                    {
                      close (fd);
                      continue;
                    }
                  connection->fd = fd;
                  setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                  event.data.ptr = connection;
                  epoll_ctl (epoll_fd, EPOLL_CTL_ADD, fd, &event);
                }
              continue;
            }

          got = read (connection->fd, connection->buffer + connection->used,
                      BUFFER_SIZE - connection->used);
          if (got < 0 && (errno == EAGAIN || errno == EINTR))
            continue;
          if (got > 0)
            {
              connection->used += got;
              if (serve_requests (connection) == 0)
                continue;
            }

          close (connection->fd);
          free (connection);
        }
    }
}
