#!/usr/bin/env python3
"""DPO of a judge with TRL on our trl-dpo export ({"prompt": [...], "chosen": [...], "rejected": [...]}):
chosen = a correct judgment, rejected = an incorrect or unparseable one for the same prompt. Beta 0.1
with an NLL term on the chosen judgment (rpo_alpha 1.5, the released judge's scale), from the
SFT model (--base-model). Loss on the judgment tokens only. A recipe, not a tested run."""
from ste_common import finish, parse_args, read_lines


def main():
    args = parse_args(__doc__, {"beta": 0.1, "rpo_alpha": 1.5})
    rows = read_lines(args.train, ["prompt", "chosen", "rejected"])
    if not args.dry_run:
        train(args, rows)
    finish(args, rows, "dpo")


def train(args, rows):
    from datasets import Dataset  # heavy imports only when training
    from trl import DPOConfig, DPOTrainer

    hp = dict(args.hp)
    config = DPOConfig(output_dir=f"{args.output_dir}/checkpoints", optim="adamw_torch", bf16=True, save_strategy="epoch",
                       logging_steps=10, report_to=[], **hp)
    peft = None
    if args.lora:
        from peft import LoraConfig
        peft = LoraConfig(r=16, lora_alpha=32, target_modules="all-linear", task_type="CAUSAL_LM")
    trainer = DPOTrainer(model=args.base_model, args=config, train_dataset=Dataset.from_list(rows), peft_config=peft)
    trainer.train()
    trainer.save_model(f"{args.output_dir}/model")


if __name__ == "__main__":
    main()
