#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A real SMTP server (aiosmtpd, Debian's python3-aiosmtpd) for the Send E-mail tests.

Listens on 127.0.0.1 on a port the kernel picks and prints "PORT <n>" once it accepts
connections. Every message it accepts is stored in --dir as N.eml (the bytes as received,
after dot-unstuffing) and N.json (the envelope: mail_from, rcpt_tos, and whether the session
was encrypted and signed in). The answers the tests need come from options:

  --refuse ADDR      RCPT TO:<ADDR> gets 550 (a recipient the server does not know)
  --tempfail ADDR:N  RCPT TO:<ADDR> gets 451 the first N times (greylisting)
  --cert F --key F   STARTTLS with this certificate, required before MAIL
  --implicit-tls     TLS from the first byte instead (SMTPS, port 465 style)
  --auth USER:PASS   AUTH PLAIN/LOGIN required, with these credentials
"""

import argparse
import asyncio
import json
import logging
import os
import ssl
import warnings
import sys

from aiosmtpd.smtp import SMTP, AuthResult


class Handler:
    def __init__(self, args):
        self.dir = args.dir
        self.refuse = set(a.lower() for a in args.refuse)
        self.tempfail = {}
        for spec in args.tempfail:
            address, count = spec.rsplit(":", 1)
            self.tempfail[address.lower()] = int(count)
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        key = address.lower()
        if key in self.refuse:
            return "550 5.1.1 <%s>: Recipient address rejected: User unknown" % address
        if self.tempfail.get(key, 0) > 0:
            self.tempfail[key] -= 1
            return "451 4.7.1 <%s>: Greylisted, try again later" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        base = os.path.join(self.dir, "%d" % self.count)
        with open(base + ".eml.part", "wb") as f:
            f.write(envelope.original_content)
        with open(base + ".json", "w") as f:
            json.dump({
                "mail_from": envelope.mail_from,
                "rcpt_tos": envelope.rcpt_tos,
                "tls": (session.ssl is not None or
                        server.transport.get_extra_info("ssl_object") is not None),
                "authenticated": bool(session.authenticated),
            }, f)
        # the .eml appears whole or not at all: the test polls for it
        os.rename(base + ".eml.part", base + ".eml")
        return "250 2.0.0 Ok: queued as %d" % self.count


def main():
    # aiosmtpd 1.4 warns about its own Session.login_data when it checks a password
    warnings.simplefilter("ignore")
    # and about a password over an implicit-TLS connection, which it does not see as TLS
    logging.getLogger("mail.log").setLevel(logging.ERROR)
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--refuse", action="append", default=[])
    parser.add_argument("--tempfail", action="append", default=[])
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--implicit-tls", action="store_true")
    parser.add_argument("--auth")
    args = parser.parse_args()

    context = None
    if args.cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.cert, args.key)

    kwargs = {}
    if args.auth:
        user, password = args.auth.split(":", 1)

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = (mechanism in ("PLAIN", "LOGIN") and
                  auth_data.login == user.encode() and auth_data.password == password.encode())
            return AuthResult(success=ok, handled=False)

        kwargs.update(authenticator=authenticator, auth_required=True,
                      auth_require_tls=context is not None and not args.implicit_tls)
    if context is not None and not args.implicit_tls:
        kwargs.update(tls_context=context, require_starttls=True)

    handler = Handler(args)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    server = loop.run_until_complete(loop.create_server(
        lambda: SMTP(handler, hostname="mail.test", **kwargs), host="127.0.0.1", port=0,
        ssl=context if args.implicit_tls else None))
    print("PORT %d" % server.sockets[0].getsockname()[1], flush=True)
    try:
        loop.run_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
