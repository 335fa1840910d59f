// This file holds the kernel helpers' polling setting of the commands that
// run a model.

package main

import (
	"fmt"
	"os"
	"time"

	"github.com/gocnn/gocnn/kernels"
)

// modelSpinWait is how long the kernels' idle helpers poll for work (see
// kernels.SetSpinWait) in the commands that run a model: train, eval,
// predict, bench train and bench conv, in place of the library's
// kernels.DefaultSpinWait. Such a process is there to run the kernels, and
// between two parallel kernels it often does more than 50 us of serial
// work, after which a parked helper is slow to wake: on a 2-core Zen 4 VM a
// VGG11 forward pass at 32x32, batch 1 (`gocnn bench train -arch vgg11 -size
// 32 -batch 1 -channels 1 -pass fwd`), ran 97-117 images/s with 50 us and
// 135-143 with 2 ms, three rounds alternating; a training step at batch 32
// 0.146-0.175 against 0.138-0.153 s. Search keeps the library's setting:
// its trials run side by side, and a polling helper holds its core from
// the others.
const modelSpinWait = 2 * time.Millisecond

// setModelSpinWait sets the helpers' polling to modelSpinWait, or to
// GOCNN_SPIN_WAIT when it is set (a Go duration; 0 makes idle helpers block
// at once): a bad value is an error that names it.
func setModelSpinWait() error {
	d := modelSpinWait
	if s := os.Getenv("GOCNN_SPIN_WAIT"); s != "" {
		v, err := time.ParseDuration(s)
		if err != nil || v < 0 {
			return fmt.Errorf("GOCNN_SPIN_WAIT=%q: want a duration such as 2ms, 50us or 0", s)
		}
		d = v
	}
	kernels.SetSpinWait(d)
	return nil
}
