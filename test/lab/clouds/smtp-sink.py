"""SMTP sink of the DR lab: a real SMTP server (Debian python3-aiosmtpd) that stores every accepted
message in a Maildir (one file per message under <maildir>/new).

STARTTLS is mandatory before anything but EHLO/NOOP/QUIT, AUTH (PLAIN or LOGIN) is offered only
after STARTTLS and required before MAIL FROM; wrong credentials get 535. Each stored message gets
X-Lab-Envelope-From / X-Lab-Envelope-To / X-Lab-Auth-User headers so tests can check the envelope.

Run with Debian's python: /usr/bin/python3 smtp-sink.py --host 127.0.0.1 --port 2525 --maildir DIR
--cert CERT --key KEY --user USER, password in the SMTP_SINK_PASSWORD environment variable.
"""
import argparse
import asyncio
import hmac
import mailbox
import os
import signal
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class MaildirHandler:
    def __init__(self, maildir):
        # mailbox.Maildir(create=True) makes tmp/new/cur only when the directory itself is new.
        for sub in ('tmp', 'new', 'cur'):
            os.makedirs(os.path.join(maildir, sub), exist_ok=True)
        self.maildir = mailbox.Maildir(maildir, create=False)

    async def handle_DATA(self, server, session, envelope):
        auth_user = session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else ''
        headers = (
            f'X-Lab-Envelope-From: {envelope.mail_from}\r\n'
            f'X-Lab-Envelope-To: {", ".join(envelope.rcpt_tos)}\r\n'
            f'X-Lab-Auth-User: {auth_user}\r\n'
        ).encode()
        # Maildir.add writes to tmp/ and renames into new/, so readers never see half a message.
        self.maildir.add(headers + envelope.original_content)
        return '250 Message accepted for delivery'


def make_authenticator(user, password):
    expected = (user.encode(), password.encode())

    def authenticate(server, session, envelope, mechanism, auth_data):
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        ok = hmac.compare_digest(auth_data.login, expected[0]) & hmac.compare_digest(auth_data.password, expected[1])
        return AuthResult(success=bool(ok), handled=False, auth_data=auth_data if ok else None)

    return authenticate


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for name in ('--host', '--maildir', '--cert', '--key', '--user'):
        parser.add_argument(name, required=True)
    parser.add_argument('--port', type=int, required=True)
    args = parser.parse_args()
    password = os.environ.get('SMTP_SINK_PASSWORD')
    if not password:
        sys.exit('SMTP_SINK_PASSWORD is not set')

    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(args.cert, args.key)
    handler = MaildirHandler(args.maildir)
    authenticator = make_authenticator(args.user, password)

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)

    def factory():
        return SMTP(
            handler,
            hostname='smtp.lab.test',
            tls_context=tls,
            require_starttls=True,
            auth_required=True,
            auth_require_tls=True,
            authenticator=authenticator,
            loop=loop,
        )

    server = loop.run_until_complete(loop.create_server(factory, host=args.host, port=args.port))
    loop.add_signal_handler(signal.SIGTERM, loop.stop)
    loop.add_signal_handler(signal.SIGINT, loop.stop)
    print(f'smtp-sink listening on {args.host}:{args.port}, maildir {args.maildir}', flush=True)
    try:
        loop.run_forever()
    finally:
        server.close()
        loop.run_until_complete(server.wait_closed())
        loop.close()


if __name__ == '__main__':
    main()
