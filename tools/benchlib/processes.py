"Child processes of the tools and tests (servers they start)."
import socket
import subprocess


def free_port():
    "A loopback port free at this moment"
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def end(process, seconds=20):
    "Stop a child process: asked first, killed if it lingers"
    process.terminate()
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
