/* bench-sftp.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gunixoutputstream.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>

#include "conduit.h"
#include "conduit-sftp.h"
#include "sftp-test-server.h"

/* bench-sftp SCRATCH MB: a file of MB MiB of random bytes downloaded and uploaded by Conduit's
 * SFTP session (conduit-sftp.c) and by OpenSSH's `sftp` client against the same sshd. Prints
 * bench/run's rows: MiB/s, higher is better. */

static double
now_s (void)
{
  return g_get_monotonic_time () / 1e6;
}

static double
openssh (SftpTestServer *server,
         const char     *scratch,
         const char     *command)
{
  g_autofree char *batch = g_build_filename (scratch, "batch", NULL);
  g_autofree char *key = g_build_filename (server->dir, "client-key", NULL);
  g_autofree char *port = g_strdup_printf ("%u", server->port);
  g_autofree char *target = g_strdup_printf ("%s@127.0.0.1", server->user);
  const char *argv[] = { "sftp", "-q", "-b", batch, "-i", key, "-P", port,
                         "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                         "-o", "IdentitiesOnly=yes", target, NULL };
  g_autoptr(GError) error = NULL;
  int status = 0;
  double start;

  g_file_set_contents (batch, command, -1, &error);
  g_assert_no_error (error);
  start = now_s ();
  g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                NULL, NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return now_s () - start;
}

int
main (int   argc,
      char *argv[])
{
  const char *scratch;
  guint mb;
  g_autofree char *source = NULL;
  g_autofree char *remote = NULL;
  g_autofree char *uploaded = NULL;
  g_autofree char *credential_json = NULL;
  g_autofree char *command = NULL;
  g_autoptr(ConduitCredential) credential = NULL;
  g_autoptr(ConduitSftpServer) sftp_server = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *data = NULL;
  SftpTestServer *server;
  double conduit_down, openssh_down, conduit_up, openssh_up;

  if (argc != 3)
    {
      fprintf (stderr, "usage: bench-sftp SCRATCH MB\n");
      return 1;
    }
  scratch = argv[1];
  mb = (guint)atoi (argv[2]);

  server = sftp_test_server_start (scratch);
  data = g_malloc ((gsize)mb << 20);
  for (gsize i = 0; i < ((gsize)mb << 20) / sizeof (guint32); i++)
    ((guint32 *)(void *)data)[i] = g_random_int ();
  source = g_build_filename (scratch, "source.bin", NULL);
  g_file_set_contents (source, (const char *)data, (gssize)mb << 20, &error);
  g_assert_no_error (error);
  remote = sftp_test_server_path (server, "remote.bin");
  g_file_set_contents (remote, (const char *)data, (gssize)mb << 20, &error);
  g_assert_no_error (error);
  uploaded = sftp_test_server_path (server, "uploaded.bin");

  credential_json = sftp_test_server_credential (server, "bench", server->fingerprint, NULL);
  credential = conduit_credential_new_from_data (credential_json, "bench", &error);
  g_assert_no_error (error);
  sftp_server = conduit_sftp_server_new_from_credential (credential, &error);
  g_assert_no_error (error);

  /* download, each side once warm-up, then measured */
  for (guint round = 0; round < 2; round++)
    {
      g_autoptr(ConduitSftpSession) session = NULL;
      g_autoptr(GOutputStream) sink = g_unix_output_stream_new (open ("/dev/null", O_WRONLY), TRUE);
      guint64 n = 0;
      double start = now_s ();

      session = conduit_sftp_session_open (sftp_server, 60, NULL, &error);
      g_assert_no_error (error);
      g_assert_true (conduit_sftp_session_download (session, remote, sink, 0, NULL, &n, &error));
      g_assert_cmpuint (n, ==, (guint64)mb << 20);
      conduit_down = now_s () - start;
    }
  command = g_strdup_printf ("get %s /dev/null\n", remote);
  openssh (server, scratch, command);
  openssh_down = openssh (server, scratch, command);

  /* upload */
  for (guint round = 0; round < 2; round++)
    {
      g_autoptr(ConduitSftpSession) session = NULL;
      g_autoptr(GFile) file = g_file_new_for_path (source);
      g_autoptr(GFileInputStream) input = g_file_read (file, NULL, &error);
      guint64 n = 0;
      double start = now_s ();

      g_assert_no_error (error);
      session = conduit_sftp_session_open (sftp_server, 60, NULL, &error);
      g_assert_no_error (error);
      g_assert_true (conduit_sftp_session_upload (session, uploaded, G_INPUT_STREAM (input), TRUE,
                                                  NULL, &n, &error));
      conduit_up = now_s () - start;
    }
  g_free (command);
  command = g_strdup_printf ("put %s %s\n", source, uploaded);
  openssh (server, scratch, command);
  openssh_up = openssh (server, scratch, command);

  printf ("download %u MiB\t%.1f\tMiB/s\topenssh sftp get\t%.1f\thigher\n", mb, mb / conduit_down,
          mb / openssh_down);
  printf ("upload %u MiB\t%.1f\tMiB/s\topenssh sftp put\t%.1f\thigher\n", mb, mb / conduit_up,
          mb / openssh_up);

  sftp_test_server_stop (server);
  return 0;
}
