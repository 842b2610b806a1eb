"""The README's "Add your own core" example runs as written."""

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


@pytest.mark.slow  # trains 2048 env steps
def test_readme_custom_core_example_runs() -> None:
    text = README.read_text()
    section = text.split("<!-- section:agents -->")[1].split("<!-- /section:agents -->")[0]
    after = section.split("### Add your own core")[1]
    code = re.search(r"```python\n(.*?)```", after, re.S).group(1)
    namespace: dict = {}
    exec(compile(code, "README-agents-example", "exec"), namespace)
    from recurrent_agents import available_cores

    assert "layernorm-gru" in available_cores()
    model = namespace["model"]
    assert model.num_timesteps >= 2048
    assert model.policy.core_actor.__class__.__name__ == "LayerNormGRU"
