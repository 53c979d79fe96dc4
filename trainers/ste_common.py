"""Shared by trl_sft.py and trl_dpo.py: the COMMAND backend's arguments, the paper's
hyper-parameters, reading our exports and writing result.json. Imports nothing heavy, so
--help and --dry-run work without torch/transformers/trl."""
import argparse
import json
import os
import sys

# Self-Taught Evaluators (arXiv 2408.02666) and its released configs: lr 1e-6, 100 warm-up steps,
# cosine schedule, at most 2 epochs, AdamW (0.9, 0.95), weight decay 0.1, sequence length 4,096.
PAPER = {
    "learning_rate": 1e-6,
    "warmup_steps": 100,
    "lr_scheduler_type": "cosine",
    "num_train_epochs": 2,
    "adam_beta1": 0.9,
    "adam_beta2": 0.95,
    "weight_decay": 0.1,
    "max_length": 4096,
    "per_device_train_batch_size": 1,
    "gradient_accumulation_steps": 8,
    "seed": 1,
}


def parse_args(description, extra_defaults):
    """The argv the COMMAND backend's template fills (see README "Training that runs itself")."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--train", required=True, help="the training file ({trainingFile})")
    p.add_argument("--output-dir", required=True, help="where the model and result.json go ({outputDir})")
    p.add_argument("--base-model", required=True, help="model to fine-tune ({baseModel})")
    p.add_argument("--iteration", type=int, default=1, help="iteration index t ({iteration})")
    p.add_argument("--hyperparameters", default="{}", help="JSON object ({hyperparameters}); keys: " + ", ".join(sorted({**PAPER, **extra_defaults})))
    p.add_argument("--served-name", default=None, help="model name written to result.json (default ste-judge-it<iteration>)")
    p.add_argument("--lora", action="store_true", help="train a LoRA adapter (peft); result.json names it as adapterPath")
    p.add_argument("--dry-run", action="store_true", help="check the file and arguments, write plan.json, train nothing")
    args = p.parse_args()
    try:
        given = json.loads(args.hyperparameters)
    except json.JSONDecodeError as e:
        p.error(f"--hyperparameters is not JSON: {e}")
    if not isinstance(given, dict):
        p.error("--hyperparameters must be a JSON object")
    defaults = {**PAPER, **extra_defaults}
    unknown = sorted(set(given) - set(defaults))
    if unknown:
        p.error(f"unknown hyper-parameter(s) {', '.join(unknown)}; known: {', '.join(sorted(defaults))}")
    args.hp = {**defaults, **given}
    args.served_name = args.served_name or f"ste-judge-it{args.iteration}"
    return args


def read_lines(path, keys):
    """The export's JSON lines; exits 1 naming the first line that lacks one of `keys`."""
    rows = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            row = json.loads(line)
            missing = [k for k in keys if k not in row]
            if missing:
                sys.exit(f"{path} line {n}: missing {', '.join(missing)} (expected our {'/'.join(keys)} export)")
            rows.append(row)
    if not rows:
        sys.exit(f"{path}: no training examples")
    return rows


def write_json(out_dir, name, value):
    os.makedirs(out_dir, exist_ok=True)
    tmp = os.path.join(out_dir, name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(value, f, indent=2)
    os.replace(tmp, os.path.join(out_dir, name))  # never a half-written file for the backend to read


def finish(args, rows, trainer_kind):
    """plan.json on --dry-run; else the trained model's result.json the COMMAND backend reads."""
    if args.dry_run:
        write_json(args.output_dir, "plan.json", {"trainer": trainer_kind, "examples": len(rows), "baseModel": args.base_model,
                                                  "servedName": args.served_name, "lora": args.lora, "hyperparameters": args.hp})
        print(f"dry run: {len(rows)} {trainer_kind} examples, plan written to {args.output_dir}/plan.json")
        return
    result = {"model": args.served_name}
    if args.lora:
        result["adapterPath"] = "model"
    write_json(args.output_dir, "result.json", result)
