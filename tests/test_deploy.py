"""deploy/: the systemd units, the environment file and the nginx example the README's *Drift* section installs.
Each is checked the way it will be used: systemd's and nginx's own checks, our settings, our command line."""

from __future__ import annotations

import ast
import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from bot.adapters.http_edge import MAX_BODY_BYTES
from bot.cli import _parser
from bot.settings import load_settings
from tests.system import missing

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("*.service"))
ENV_EXAMPLE = DEPLOY / "remissbot.env.example"
NGINX = DEPLOY / "nginx" / "remissbot.conf"
INSTALLED_BINARY = "/opt/remissbot/bin/remissbot"
ENV_NAME = re.compile(r"(REMISSBOT|SLACK)_[A-Z0-9_]+|DATABASE_URL|PORT")
SBIN_PATH = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/sbin"])


def settings_variables() -> set[str]:
    """Every environment variable of ours that bot/settings.py names (read there, or passed to a reader)."""
    tree = ast.parse((ROOT / "bot" / "settings.py").read_text(encoding="utf-8"))
    return {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and ENV_NAME.fullmatch(node.value)
    }


def example_lines() -> dict[str, tuple[str, bool]]:
    """The example's variables: name → (value, set); a `#NAME=value` line is a default left unset."""
    found: dict[str, tuple[str, bool]] = {}
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        match = re.fullmatch(r"(#?)([A-Z][A-Z0-9_]*)=(\S*)", line)
        if match:
            found[match[2]] = (match[3], not match[1])
    return found


class Recording(dict[str, str]):
    """An environment that notes every name asked of it."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: set[str] = set()

    def get(self, key: str, default: object = None) -> object:  # type: ignore[override]
        self.asked.add(key)
        return super().get(key, default)

    def __getitem__(self, key: str) -> str:
        self.asked.add(key)
        return super().__getitem__(key)

    def __contains__(self, key: object) -> bool:
        self.asked.add(str(key))
        return super().__contains__(key)


def test_the_settings_names_are_found_by_reading_the_module_as_loading_them_asks_for_them() -> None:
    env = Recording()
    load_settings(env)
    asked = {name for name in env.asked if ENV_NAME.fullmatch(name)}
    assert asked and asked <= settings_variables()


def test_every_variable_the_settings_read_is_in_the_example_environment_file() -> None:
    variables = settings_variables()
    assert {"SLACK_BOT_TOKEN", "DATABASE_URL", "REMISSBOT_LOG_FORMAT", "PORT"} <= variables
    assert sorted(variables - set(example_lines())) == []


def test_the_example_s_values_load_and_its_commented_defaults_are_the_defaults() -> None:
    lines = example_lines()
    active = {name: value for name, (value, is_set) in lines.items() if is_set}
    settings = load_settings(active)
    assert settings.database_url.startswith("postgresql+psycopg://") and settings.log_format == "json"
    for name, (value, is_set) in lines.items():
        if not is_set and value:
            assert load_settings({**active, name: value}) == settings, f"#{name}={value} is not the default"


def exec_starts(unit: Path) -> list[list[str]]:
    text = unit.read_text(encoding="utf-8")
    return [shlex.split(line.split("=", 1)[1]) for line in re.findall(r"^#?ExecStart=.*$", text, re.MULTILINE)]


def test_each_unit_runs_a_remissbot_command_the_command_line_knows() -> None:
    assert [u.name for u in UNITS] == ["remissbot-run.service", "remissbot-serve@.service"]
    for unit in UNITS:
        text = unit.read_text(encoding="utf-8")
        assert "EnvironmentFile=/etc/remissbot/remissbot.env" in text
        for command in exec_starts(unit):
            assert command[0] == INSTALLED_BINARY
            args = _parser().parse_args([a.replace("%i", "3001") for a in command[1:]])
            assert args.command == unit.name.split("-")[1].split("@")[0].removesuffix(".service")
            if args.command == "serve":  # the instance's port, on the loopback: only nginx reaches it
                assert (args.host, args.port) == ("127.0.0.1", 3001)
            else:  # Socket Mode's health and metrics, on the loopback too
                assert (args.health_host, args.health_port) == ("127.0.0.1", "9100")


def test_the_units_pass_systemd_s_own_check(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        missing("systemd-analyze is not installed (Debian: systemd)")
    binary = ROOT / ".venv" / "bin" / "remissbot"
    if not binary.exists():
        missing(f"{binary} is not installed (scripts/test installs it)")
    checked = []
    for unit in UNITS:
        text = unit.read_text(encoding="utf-8").replace(INSTALLED_BINARY, str(binary))
        # A template unit is checked as one of its instances.
        name = unit.name.replace("@.service", "@3001.service")
        (tmp_path / name).write_text(text, encoding="utf-8")
        checked.append(str(tmp_path / name))
    done = subprocess.run([analyze, "verify", *checked], capture_output=True, text=True, timeout=60, check=False)
    # systemd only warns about an unknown key or a bad value, and ignores the line: any output is a failure.
    assert (done.returncode, done.stdout + done.stderr) == (0, "")


def test_nginx_s_body_limit_is_the_one_remissbot_reads() -> None:
    text = NGINX.read_text(encoding="utf-8")
    [limit] = re.findall(r"^\s*client_max_body_size\s+(\d+)([kKmM]?);", text, re.MULTILINE)
    size = int(limit[0]) * {"": 1, "k": 1024, "m": 1024 * 1024}[limit[1].lower()]
    assert size == MAX_BODY_BYTES
    upstream = re.search(r"upstream remissbot_serve \{(.*?)\}", text, re.DOTALL)
    assert upstream is not None
    servers = re.findall(r"^\s*server (127\.0\.0\.1:\d+)", upstream[1], re.MULTILINE)
    assert servers == ["127.0.0.1:3001", "127.0.0.1:3002"]  # the instances the README enables
    assert "proxy_set_header X-Request-Id $request_id;" in text


def test_the_nginx_example_passes_nginx_s_own_check(tmp_path: Path) -> None:
    nginx = shutil.which("nginx", path=SBIN_PATH)
    openssl = shutil.which("openssl")
    if nginx is None or openssl is None:
        missing("nginx or openssl is not installed (Debian: nginx-light, openssl)")
    certificate, key = tmp_path / "fullchain.pem", tmp_path / "privkey.pem"
    self_signed = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=remissbot.test"]
    subprocess.run(
        [openssl, *self_signed, "-keyout", str(key), "-out", str(certificate)],
        capture_output=True,
        check=True,
        timeout=60,
    )
    site = NGINX.read_text(encoding="utf-8")
    site = site.replace("/etc/ssl/remissbot/fullchain.pem", str(certificate))
    site = site.replace("/etc/ssl/remissbot/privkey.pem", str(key))
    (tmp_path / "remissbot.conf").write_text(site, encoding="utf-8")
    (tmp_path / "logs").mkdir()
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/logs/error.log;\nevents {{}}\n"
        f"http {{\n  access_log off;\n  client_body_temp_path {tmp_path}/body;\n  proxy_temp_path {tmp_path}/proxy;\n"
        f"  include {tmp_path}/remissbot.conf;\n}}\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "[warn]" not in done.stderr and "[emerg]" not in done.stderr


@pytest.mark.parametrize("path", ["deploy/systemd", "deploy/nginx", "deploy/remissbot.env.example"])
def test_the_readme_s_drift_section_names_each_file(path: str) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    drift = readme.split("## Drift", 1)[1].split("\n## ", 1)[0]
    assert path in drift
