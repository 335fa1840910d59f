// Package weights reads and writes checkpoint files: safetensors, and PyTorch
// state dicts in both the zip format (torch >= 1.6) and the legacy pickle
// format that torchvision's published VGG files use.
//
// Everything here treats its input as hostile. A checkpoint is data, never
// code: the pickle reader understands only the opcodes a state dict needs and
// calls only a short whitelist of constructors (ordered dicts, storages and
// tensor rebuilds); anything else is an error naming the file, the opcode or
// global and its byte offset. No size read from a file is trusted before it
// has been checked against the bytes actually present, so a corrupt header
// cannot make the reader allocate more than a small multiple of the file.
//
// Every reader returns a *StateDict: floating tensors (F32, F16, BF16, F64)
// converted to float32 in Tensors, integer and bool tensors (such as
// BatchNorm's num_batches_tracked) as int64 in Ints, and Order, the keys in
// file order. Load sniffs the format. Assign copies a StateDict into a
// model's tensors with PyTorch's strict and non-strict key matching.
//
// WriteFileAtomic is the one way gocnn writes a file that must never be seen
// half-written (checkpoints, converted weights).
//
// Imports: tensor only.
package weights
