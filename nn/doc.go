// Package nn holds gocnn's layers and losses: modules with explicit forward
// and backward passes, named parameters that follow PyTorch's state_dict keys,
// and losses that compute what PyTorch computes.
//
// Imports: nn imports tensor and kernels, nothing else of gocnn's.
package nn
