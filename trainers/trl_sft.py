#!/usr/bin/env python3
"""SFT of a judge with TRL on our trl-sft export ({"messages": [system?, user, assistant]}).
Each line becomes a conversational prompt/completion pair, so TRL's loss covers the judgment
tokens only (completion_only_loss). A recipe, not a tested run: see trainers/README.md."""
from ste_common import finish, parse_args, read_lines


def main():
    args = parse_args(__doc__, {})
    rows = read_lines(args.train, ["messages"])
    data = [{"prompt": r["messages"][:-1], "completion": r["messages"][-1:]} for r in rows]
    if not args.dry_run:
        train(args, data)
    finish(args, data, "sft")


def train(args, data):
    from datasets import Dataset  # heavy imports only when training
    from trl import SFTConfig, SFTTrainer

    hp = dict(args.hp)
    config = SFTConfig(output_dir=f"{args.output_dir}/checkpoints", completion_only_loss=True, optim="adamw_torch", bf16=True,
                       save_strategy="epoch", logging_steps=10, report_to=[], **hp)
    peft = None
    if args.lora:
        from peft import LoraConfig
        peft = LoraConfig(r=16, lora_alpha=32, target_modules="all-linear", task_type="CAUSAL_LM")
    trainer = SFTTrainer(model=args.base_model, args=config, train_dataset=Dataset.from_list(data), peft_config=peft)
    # Resumes from the last checkpoint in the output folder (a worker that died runs this again).
    trainer.train(resume_from_checkpoint=_last_checkpoint(config.output_dir))
    trainer.save_model(f"{args.output_dir}/model")


def _last_checkpoint(path):
    import os
    from transformers.trainer_utils import get_last_checkpoint
    return get_last_checkpoint(path) if os.path.isdir(path) else None


if __name__ == "__main__":
    main()
