// This file holds gradient clipping by global norm, as
// torch.nn.utils.clip_grad_norm_.

package optim

import (
	"math"

	"github.com/gocnn/gocnn/nn"
)

// ClipGradNorm scales the gradients of the parameters with RequiresGrad set
// so that their global L2 norm is at most maxNorm, as
// torch.nn.utils.clip_grad_norm_: with total the norm of all gradients,
// every gradient is multiplied by min(1, maxNorm/(total+1e-6)). It returns
// the norm before clipping (possibly NaN or +Inf, which the caller should
// treat as a diverged step). It allocates nothing.
func ClipGradNorm(ps []*nn.Param, maxNorm float64) float64 {
	var ss float64
	for _, p := range ps {
		if !p.RequiresGrad {
			continue
		}
		for _, v := range p.Grad.Data() {
			ss += float64(v) * float64(v)
		}
	}
	total := math.Sqrt(ss)
	coef := float32(maxNorm) / (float32(total) + 1e-6)
	if coef < 1 {
		for _, p := range ps {
			if !p.RequiresGrad {
				continue
			}
			g := p.Grad.Data()
			for i := range g {
				g[i] *= coef
			}
		}
	}
	return total
}
