from kith.cli import app

app(prog_name="kith")
