// Package data reads the images people have (image folders, IDX files, CSV
// manifests), transforms and batches them for training, samples classes in
// balance, and diagnoses datasets that make a model collapse (the data
// doctor).
//
// Imports: data imports tensor, nothing else of gocnn's.
package data
