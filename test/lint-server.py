"""
cfn-lint and openapi-spec-validator for the test suite, imported once.

Each of the two CLIs spends most of a small run importing itself (cfn-lint about 1.5 s of CPU,
openapi-spec-validator about 0.8 s), and the suite runs them a dozen times. `serve` imports both
once and answers each request in a forked child, so every run starts from the same clean state
the CLI would (nothing a run sets is seen by the next) and two Jest workers can lint at once.
`call` is the client test/validators.ts spawns: a bare interpreter (python3 -S) that passes the
arguments over a Unix socket and prints the tool's output with its exit code. When no server
answers, `call` exits 75 and the caller runs the real CLI instead, so the server only saves time.

  python3 lint-server.py serve SOCKET      (test/global-setup.ts starts it; it stops when idle)
  python3 -S lint-server.py call SOCKET TOOL ARG...
"""
import json
import os
import socket
import sys

UNAVAILABLE = 75  # EX_TEMPFAIL: the caller runs the CLI itself
# A server no test asked for this long stops, unless the process that started it (Jest, whose
# teardown stops it) still runs: on a machine loaded ten times over, a Jest run can go more than
# five minutes between two lint calls, and every call after the server stopped ran the whole CLI
# (about 2 s of CPU each; about 30 s over a run).
IDLE_SECONDS = 300


def read_all(conn):
    chunks = []
    while True:
        b = conn.recv(65536)
        if not b:
            return b''.join(chunks)
        chunks.append(b)


def call(sock_path, tool, args):
    try:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(sock_path)
        s.sendall(json.dumps({'tool': tool, 'args': args, 'cwd': os.getcwd()}).encode())
        s.shutdown(socket.SHUT_WR)
        answer = json.loads(read_all(s).decode())
    except (OSError, ValueError):
        return UNAVAILABLE
    sys.stdout.write(answer['out'])
    return answer['code']


def serve(sock_path):
    import signal
    import socketserver

    starter = os.getppid()

    class Server(socketserver.ForkingMixIn, socketserver.UnixStreamServer):
        timeout = IDLE_SECONDS

        def handle_timeout(self):
            # Orphaned (the starter gone: reparented), or started by a process that does not wait on it.
            self.idle = os.getppid() != starter or starter == 1

    def stop(*_):
        if os.path.exists(sock_path):
            os.unlink(sock_path)
        os._exit(0)

    # The socket first, before the imports and the warm-up (about 2 s): a call made meanwhile
    # waits in the listen queue for this server instead of finding no socket and running the
    # whole CLI itself.
    signal.signal(signal.SIGTERM, stop)
    if os.path.exists(sock_path):
        os.unlink(sock_path)
    server = Server(sock_path, None)

    import io
    from contextlib import redirect_stderr, redirect_stdout

    import cfnlint.runner
    import openapi_spec_validator.__main__ as oas

    def cfn_lint(args):
        sys.argv = ['cfn-lint', *args]
        cfnlint.runner.main()

    tools = {'cfn-lint': cfn_lint, 'openapi-spec-validator': lambda args: oas.main(args)}

    def run(tool, args):
        out = io.StringIO()
        code = 0
        with redirect_stdout(out), redirect_stderr(out):
            try:
                tools[tool](args)
            except SystemExit as e:
                code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
            except Exception as e:  # reported as the CLI would fail: non-zero, with the message
                out.write('%s: %s\n' % (type(e).__name__, e))
                code = 1
        return code, out.getvalue()

    # Warm the lazily loaded parts (rules, schemas) once, so every child starts with them.
    warm = os.path.join(os.path.dirname(sock_path), 'warm-%d.json' % os.getpid())
    with open(warm, 'w') as f:
        f.write('{"Resources":{"T":{"Type":"AWS::SNS::Topic"}}}')
    run('cfn-lint', [warm])
    os.unlink(warm)

    class Handler(socketserver.StreamRequestHandler):
        def handle(self):
            request = json.loads(read_all(self.connection).decode())
            os.chdir(request['cwd'])
            code, out = run(request['tool'], request['args'])
            self.wfile.write(json.dumps({'code': code, 'out': out}).encode())

    server.RequestHandlerClass = Handler
    with server:
        server.idle = False
        print('ready', flush=True)  # for a caller that waits on it (test/runner/lint-server.test.ts)
        while not server.idle:
            server.handle_request()
            server.collect_children()  # reap the finished request children (handle_request alone never does)
    os.unlink(sock_path)


if __name__ == '__main__':
    if sys.argv[1] == 'call':
        sys.exit(call(sys.argv[2], sys.argv[3], sys.argv[4:]))
    serve(sys.argv[2])
