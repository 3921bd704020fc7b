"""The server's own end: SIGTERM stops it cleanly (its module's server; every module has its own)."""
import signal


def test_server_stops_gracefully_on_sigterm(server):
    """SIGTERM ends the server cleanly with exit status 0."""
    process = server["process"]
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0, open(server["log"]).read()[-2000:]
