// This file is the trainer's entry point.

package vgg16

import (
	"context"
	"errors"
)

// Result summarises a finished training run.
type Result struct {
	Best       Metrics `json:"best"`       // validation metrics of the best checkpoint
	BestEpoch  int     `json:"best_epoch"` // 1-based
	Threshold  float64 `json:"threshold"`  // decision threshold (binary tasks)
	Strategy   string  `json:"strategy"`   // imbalance strategy finally in use
	Collapsed  bool    `json:"collapsed"`  // the detector fired at the last check
	Checkpoint string  `json:"checkpoint"` // path of the best checkpoint
	Steps      int     `json:"steps"`      // optimizer steps taken
}

// Train trains a VGG as cfg says and returns the result.
func Train(ctx context.Context, cfg Config) (*Result, error) {
	if _, err := cfg.withDefaults(); err != nil {
		return nil, err
	}
	return nil, errors.New("the trainer is not built yet")
}

// Demo runs the `make run` demonstration.
func Demo(ctx context.Context, cfg Config) error {
	return errors.New("the demo is not built yet")
}
