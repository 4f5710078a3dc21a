"""DDP: two CPU processes (gloo) under torchrun end with identical weights; rank 0 writes."""

import os
import socket
import subprocess
import sys
import textwrap

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("torch.distributed")

SCRIPT = textwrap.dedent(
    """
    import os, sys
    import torch
    from plateplug.train.loop import TrainConfig, train_model

    data, out = sys.argv[1], sys.argv[2]
    config = TrainConfig(model="unet", data=[data], out=out, steps=3, batch=2, threads=1,
                         seed=0, val_every=2, log_every=1, val_count=2)
    path, model = train_model(config)
    torch.save(model.state_dict(), os.path.join(out, f"rank{os.environ['RANK']}.weights"))
    # Skip the interpreter's teardown: gloo's threads have aborted a finished rank there
    # now and then (CI, 2026-12-07), after everything this test checks was done.
    sys.stdout.flush()
    os._exit(0)
    """
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow
def test_two_gloo_ranks_end_with_identical_weights(synthetic_plates, tmp_path):
    if not torch.distributed.is_available():
        pytest.skip("torch.distributed is not available")
    script = tmp_path / "ddp_train.py"
    script.write_text(SCRIPT)
    out = tmp_path / "run"
    env = {**os.environ, "OMP_NUM_THREADS": "1", "CUDA_VISIBLE_DEVICES": ""}
    cmd = [sys.executable, "-m", "torch.distributed.run", "--nnodes", "1",
           "--nproc_per_node", "2", "--master_addr", "127.0.0.1",
           "--master_port", str(_free_port()), str(script), str(synthetic_plates), str(out)]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    rank0 = torch.load(out / "rank0.weights", weights_only=True)
    rank1 = torch.load(out / "rank1.weights", weights_only=True)
    assert rank0.keys() == rank1.keys()
    for name in rank0:
        assert torch.equal(rank0[name], rank1[name]), name
    assert (out / "last.pt").is_file()
    log = (out / "log.jsonl").read_text()
    assert '"world_size": 2' in log
    assert log.count('"event": "start"') == 1  # only rank 0 logs
