// Package optim holds the optimizers (SGD, Adam, AdamW), gradient clipping and
// learning-rate schedulers, each with a state dict so that training resumes
// exactly.
//
// Imports: optim imports nn (for its parameter type), tensor and kernels.
package optim
