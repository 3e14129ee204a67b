#!/usr/bin/env python3
"""Export a timm model to TorchScript for inception-classifier.

    pip install torch timm
    python tools/export_torchscript.py inception_v4.tf_in1k inception_v4.pt
    python tools/export_torchscript.py inception_resnet_v2 --checkpoint my_finetune.pth --num-classes 10 irv2.pt

The model is put in eval mode and traced with one 1x3xSxS input (S = the model's input size, 299 for the Inception
family); the traced module takes any batch size, NCHW float32 normalised input, and returns logits. Preprocessing is
not part of the file: the script prints the settings to put in the service configuration.

This script is a convenience for users; it needs network access (or a warm Hugging Face cache) and is not run in CI.
"""
import argparse
import hashlib
import math
import sys

import torch


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", help="timm model name, optionally with a pretrained tag (inception_v4.tf_in1k)")
    parser.add_argument("output", help="where to write the TorchScript file (.pt)")
    parser.add_argument("--checkpoint", help="local state_dict to load instead of timm's pretrained weights")
    parser.add_argument("--num-classes", type=int, default=None, help="classifier outputs (for fine-tuned models)")
    args = parser.parse_args()

    import timm
    from timm.data import resolve_data_config

    kwargs = {} if args.num_classes is None else {"num_classes": args.num_classes}
    model = timm.create_model(args.model, pretrained=args.checkpoint is None,
                              checkpoint_path=args.checkpoint or "", **kwargs)
    model.eval()

    config = resolve_data_config({}, model=model)
    _, height, width = config["input_size"]
    example = torch.zeros(1, 3, height, width)
    with torch.no_grad():
        traced = torch.jit.trace(model, example)
        # a traced graph can silently bake in data-dependent branches; check it on a second input
        probe = torch.randn(2, 3, height, width)
        diff = (traced(probe) - model(probe)).abs().max().item()
    if diff > 1e-4:
        print(f"traced model differs from eager by {diff:.3g}; not saving", file=sys.stderr)
        return 1
    traced.save(args.output)

    num_classes = model.num_classes
    crop_pct = config["crop_pct"]
    crop_mode = config.get("crop_mode", "center")
    name = args.model.split(".")[0].replace("_", "-")
    print(f"wrote {args.output} ({args.model}, {num_classes} classes, traced with 1x3x{height}x{width})")
    if config["interpolation"] != "bicubic":
        print(f"warning: the model uses {config['interpolation']} resizing; the service resizes with bicubic only")
    if height != width:
        print(f"warning: the input {height}x{width} is not square; the service supports square inputs only")
    if crop_mode not in ("center", "squash"):
        print(f"warning: crop_mode {crop_mode} is not supported by the service (center or squash)")
    print("# configuration for the service (application.yaml):")
    print("classifier:")
    print("  models:")
    print(f"    - name: {name}")
    print(f"      source: {args.output}")
    with open(args.output, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    print("      sha256:")
    print(f"        weights: {digest}  # TorchScript is code: the service loads it only pinned")
    print(f"      num-classes: {num_classes}")
    label_names = (getattr(model, "pretrained_cfg", None) or {}).get("label_names")
    if label_names:
        print(f"      # labels: a file with the {len(label_names)} label_names of the pretrained cfg, one per line")
    elif num_classes == 1000:
        print("      labels: imagenet-1k")
    else:
        print(f"      # labels: a file with {num_classes} lines, one label per class index")
    print("      preprocess:")
    print(f"        resize-mode: {'squash' if crop_mode == 'squash' else 'crop'}"
          f"  # shorter side to floor({height} / {crop_pct}) = {math.floor(height / crop_pct)}, then center crop")
    print(f"        crop-pct: {crop_pct}")
    print(f"        input-size: {height}")
    print(f"        mean: {[round(float(v), 6) for v in config['mean']]}")
    print(f"        std: {[round(float(v), 6) for v in config['std']]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
