"""The four examples in the README's envs section run as written."""

import contextlib
import io
import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def envs_section_code_blocks() -> list[str]:
    """The ```python blocks between the envs section markers."""
    text = README.read_text()
    section = text.split("<!-- section:envs -->")[1].split("<!-- /section:envs -->")[0]
    return re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)


def run_block(code: str) -> str:
    """Execute a README block in a fresh namespace; return what it printed."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, str(README), "exec"), {"__name__": "__readme__"})
    return out.getvalue()


def test_section_has_the_four_examples():
    blocks = envs_section_code_blocks()
    assert len(blocks) == 4
    assert "gym.make(" in blocks[0] and "PPO(" in blocks[1] and "gym.make_vec(" in blocks[2]
    assert "PrevActionReward(" in blocks[3]


def test_plain_gymnasium_loop_example():
    printed = run_block(envs_section_code_blocks()[0])
    assert printed.split() == ["1.0", "True"]


@pytest.mark.slow
def test_sb3_ppo_example():
    printed = run_block(envs_section_code_blocks()[1])
    success_rate = float(printed)
    assert 0.2 <= success_rate <= 0.8  # a memoryless MLP stays near chance (0.5)


def test_make_vec_example():
    printed = run_block(envs_section_code_blocks()[2])
    assert printed.split() == ["True", "0.0"]


def test_prev_action_reward_example():
    printed = run_block(envs_section_code_blocks()[3])
    assert printed.split() == ["(8,)"]
