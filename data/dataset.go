// This file defines the Dataset interface that every source of labelled
// images implements, and the small wrappers over it (subsets, counts).

package data

import "fmt"

// Dataset is an indexed set of labelled images. In-memory datasets (IDX
// files, the embedded default set) and file-backed ones (ImageFolder, CSV
// manifests) implement it, and the Loader, samplers, splits and the doctor
// consume it.
//
// Implementations must allow concurrent calls to Load from several
// goroutines. Label and Classes must be cheap: samplers call Label for every
// index once per epoch.
type Dataset interface {
	// Len returns the number of samples.
	Len() int
	// Classes returns the class names; labels index into it. The caller must
	// not modify it.
	Classes() []string
	// Label returns sample i's class, in [0, len(Classes())).
	Label(i int) int
	// Load decodes sample i into dst (reusing dst.Pix when it is large
	// enough). A file-backed dataset returns an error naming the file when it
	// cannot be read or decoded.
	Load(i int, dst *Image) error
}

// Namer is implemented by datasets whose samples have a name, a file path
// for file-backed ones; reports and error messages use it.
type Namer interface {
	Name(i int) string
}

// Labels returns every sample's label.
func Labels(ds Dataset) []int {
	out := make([]int, ds.Len())
	for i := range out {
		out[i] = ds.Label(i)
	}
	return out
}

// ClassCounts returns the number of samples in each class of ds.
func ClassCounts(ds Dataset) []int {
	return CountLabels(Labels(ds), len(ds.Classes()))
}

// CountLabels returns how many times each label in [0, numClasses) occurs. It
// panics on a label out of range.
func CountLabels(labels []int, numClasses int) []int {
	counts := make([]int, numClasses)
	for i, y := range labels {
		if y < 0 || y >= numClasses {
			panic(fmt.Sprintf("data: CountLabels: label %d at %d out of range [0, %d)", y, i, numClasses))
		}
		counts[y]++
	}
	return counts
}

// sampleName names sample i for messages: its Name when ds is a Namer,
// "sample i" otherwise.
func sampleName(ds Dataset, i int) string {
	if n, ok := ds.(Namer); ok {
		return n.Name(i)
	}
	return fmt.Sprintf("sample %d", i)
}

// SubsetDataset is a view of some samples of another dataset, in the order
// of Indices. Splits and derived tasks return it.
type SubsetDataset struct {
	Base    Dataset
	Indices []int // indices into Base
}

// Subset returns the samples of ds at idx (which it keeps, not copies). It
// panics if an index is out of range.
func Subset(ds Dataset, idx []int) *SubsetDataset {
	n := ds.Len()
	for _, i := range idx {
		if i < 0 || i >= n {
			panic(fmt.Sprintf("data: Subset: index %d out of range [0, %d)", i, n))
		}
	}
	return &SubsetDataset{Base: ds, Indices: idx}
}

func (s *SubsetDataset) Len() int                     { return len(s.Indices) }
func (s *SubsetDataset) Classes() []string            { return s.Base.Classes() }
func (s *SubsetDataset) Label(i int) int              { return s.Base.Label(s.Indices[i]) }
func (s *SubsetDataset) Load(i int, dst *Image) error { return s.Base.Load(s.Indices[i], dst) }
func (s *SubsetDataset) Name(i int) string            { return sampleName(s.Base, s.Indices[i]) }

// Relabeled is a dataset with the same images as Base and other labels and
// class names (a derived binary task, a merge of classes).
type Relabeled struct {
	Base       Dataset
	Labels     []int // one per sample of Base
	ClassNames []string
}

func (r *Relabeled) Len() int                     { return r.Base.Len() }
func (r *Relabeled) Classes() []string            { return r.ClassNames }
func (r *Relabeled) Label(i int) int              { return r.Labels[i] }
func (r *Relabeled) Load(i int, dst *Image) error { return r.Base.Load(i, dst) }
func (r *Relabeled) Name(i int) string            { return sampleName(r.Base, i) }
