"""The policy pack: a county's 实施意见 as a directory of YAML files, validated whole and loaded as data.

Top layer: may import every feature app; no other app imports it (tests/test_layers.py).
"""
