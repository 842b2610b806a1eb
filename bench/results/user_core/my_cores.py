"""The README's core of your own ("Add your own core"), as a module:
``--core=my_cores:layernorm-gru``."""

from torch import nn

from recurrent_agents import RecurrentCore, register_core


@register_core("layernorm-gru")
class LayerNormGRU(RecurrentCore):
    """A GRU whose outputs are layer-normalised."""

    num_states = 1  # the state is (h,)

    def __init__(self, input_size, hidden_size=64, num_layers=1):
        super().__init__(input_size, hidden_size, num_layers)
        self.rnn = nn.GRU(input_size, hidden_size, num_layers)
        self.norm = nn.LayerNorm(hidden_size)

    def forward_sequence(self, inputs, state):
        out, h = self.rnn(inputs, state[0])
        return self.norm(out), (h,)
