// Package bench holds gocnn's throughput benchmarks as reusable runners
// (GEMM, convolution layers, end-to-end VGG16) that `gocnn bench` and the
// go test benchmarks share. Each reports GFLOP/s or images/s, never a single
// absolute time.
//
// Imports: bench may import tensor, kernels, nn, optim and vgg16.
package bench
