// Package vgg16 holds the torchvision-compatible VGG models, their weight
// import and export, prediction and evaluation, and the trainer with built-in
// class-imbalance handling.
//
// Imports: vgg16 may import every other gocnn package except cmd.
package vgg16
