"Child processes of the tools and tests (servers they start)."
import subprocess


def end(process, seconds=20):
    "Stop a child process: asked first, killed if it lingers"
    process.terminate()
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
