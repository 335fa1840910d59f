// This file builds the VGG networks exactly as torchvision does (layer
// sequence and state_dict keys), plus the compact CIFAR-style head that small
// inputs use.

package vgg16

import (
	"fmt"

	"github.com/gocnn/gocnn/kernels"
	"github.com/gocnn/gocnn/nn"
	"github.com/gocnn/gocnn/tensor"
)

// cfgs are torchvision's VGG configurations: output channels of each 3x3
// convolution, and 0 for a 2x2 max-pool.
var cfgs = map[string][]int{
	"vgg11": {64, 0, 128, 0, 256, 256, 0, 512, 512, 0, 512, 512, 0},
	"vgg13": {64, 64, 0, 128, 128, 0, 256, 256, 0, 512, 512, 0, 512, 512, 0},
	"vgg16": {64, 64, 0, 128, 128, 0, 256, 256, 256, 0, 512, 512, 512, 0, 512, 512, 512, 0},
	"vgg19": {64, 64, 0, 128, 128, 0, 256, 256, 256, 256, 0, 512, 512, 512, 512, 0, 512, 512, 512, 512, 0},
}

// Heads.
const (
	// HeadTorchvision is torchvision's head: AdaptiveAvgPool2d(7,7), then
	// Linear(25088,4096)-ReLU-Dropout-Linear(4096,4096)-ReLU-Dropout-
	// Linear(4096,outputs) as classifier.{0,3,6}.
	HeadTorchvision = "torchvision"
	// HeadCompact is the CIFAR-style head: the conv stack, then
	// Linear(512·(size/32)², outputs) as classifier.0.
	HeadCompact = "compact"
)

// Spec describes a VGG network.
type Spec struct {
	Arch       string  `json:"arch"`        // vgg11, vgg13, vgg16, vgg19, optionally with _bn
	InChannels int     `json:"in_channels"` // 3 for RGB, 1 for grayscale
	Size       int     `json:"size"`        // input height and width, at least 32
	Outputs    int     `json:"outputs"`     // logits: 1 for a binary single-logit head, else the class count
	Head       string  `json:"head"`        // HeadTorchvision or HeadCompact
	Dropout    float64 `json:"dropout"`     // head dropout: the torchvision head's two (0 means 0.5); before the compact head's Linear (0: none)
	Algo       string  `json:"algo,omitempty"`
}

// Validate returns an error naming the first field that cannot work.
func (s Spec) Validate() error {
	if _, _, err := ParseArch(s.Arch); err != nil {
		return err
	}
	switch {
	case s.InChannels < 1:
		return fmt.Errorf("vgg: %d input channels", s.InChannels)
	case s.Size < 32:
		return fmt.Errorf("vgg: input size %d: VGG needs at least 32x32", s.Size)
	case s.Outputs < 1:
		return fmt.Errorf("vgg: %d outputs", s.Outputs)
	case s.Head != HeadTorchvision && s.Head != HeadCompact:
		return fmt.Errorf("vgg: unknown head %q (want %s or %s)", s.Head, HeadTorchvision, HeadCompact)
	case s.Dropout < 0 || s.Dropout >= 1:
		return fmt.Errorf("vgg: dropout %g not in [0, 1)", s.Dropout)
	}
	if _, err := kernels.ParseAlgo(s.algo()); err != nil {
		return err
	}
	return nil
}

func (s Spec) algo() string {
	if s.Algo == "" {
		return "auto"
	}
	return s.Algo
}

// Model is a VGG network: Net is the whole nn.Sequential whose state_dict
// keys are torchvision's (features.N.*, classifier.N.*).
type Model struct {
	Spec       Spec
	Net        *nn.Sequential
	Features   *nn.Sequential
	Classifier *nn.Sequential
	// Last is the final Linear layer (its bias is set to the class prior).
	Last *nn.Linear
}

// New builds the network described by spec with torchvision's VGG
// initialisation (Kaiming-normal fan_out convolutions, N(0, 0.01) linear
// layers, zero biases) drawn from a PCG stream seeded with seed.
func New(spec Spec, seed uint64) (*Model, error) {
	if spec.Dropout == 0 && spec.Head == HeadTorchvision {
		spec.Dropout = 0.5
	}
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	name, bn, _ := ParseArch(spec.Arch)
	return build(spec, cfgs[name], bn, 4096, seed), nil
}

// NewUninitialized builds the network described by spec as New(spec, 0)
// does, but leaves every convolution and linear weight and bias zero (batch
// norm at PyTorch's defaults) instead of drawing them: for loading a
// checkpoint or state dict that sets every parameter, which then costs no
// random numbers (138M for vgg16) and no memory for weights before they are
// read.
func NewUninitialized(spec Spec) (*Model, error) {
	if spec.Dropout == 0 && spec.Head == HeadTorchvision {
		spec.Dropout = 0.5
	}
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	name, bn, _ := ParseArch(spec.Arch)
	return assemble(spec, cfgs[name], bn, 4096, 0, false), nil
}

// build is New for any layer configuration cfg (channels per 3x3 conv, 0 for
// a max-pool) and torchvision-head hidden width: the golden tests build
// tiny networks with torchvision's layout through it. spec must be valid.
func build(spec Spec, cfg []int, bn bool, hidden int, seed uint64) *Model {
	return assemble(spec, cfg, bn, hidden, seed, true)
}

// assemble is build, initialising the parameters from seed when init is set
// and leaving them zero otherwise (dropout seeds derive from seed either way).
func assemble(spec Spec, cfg []int, bn bool, hidden int, seed uint64, init bool) *Model {
	algo, _ := kernels.ParseAlgo(spec.algo())
	var g *tensor.RNG // nil: the layers skip their default initialisation
	if init {
		g = tensor.NewRNG(seed)
	}
	features := nn.NewSequential()
	c := spec.InChannels
	pools := 0
	for _, v := range cfg {
		if v == 0 {
			features.Add(nn.NewMaxPool2d(2, 2))
			pools++
			continue
		}
		features.Add(nn.NewConv2d(c, v, 3, nn.Conv2dOptions{Padding: 1, Algo: algo}, g))
		if bn {
			features.Add(nn.NewBatchNorm2d(v))
		}
		features.Add(nn.NewReLU())
		c = v
	}
	m := &Model{Spec: spec, Features: features, Classifier: nn.NewSequential()}
	m.Net = nn.NewSequential().AddNamed("features", features)
	switch spec.Head {
	case HeadTorchvision:
		m.Net.AddNamed("avgpool", nn.NewAdaptiveAvgPool2d(7, 7))
		m.Classifier.
			Add(nn.NewLinear(c*7*7, hidden, true, g)).
			Add(nn.NewReLU()).
			Add(nn.NewDropout(spec.Dropout, seed^0xd1)).
			Add(nn.NewLinear(hidden, hidden, true, g)).
			Add(nn.NewReLU()).
			Add(nn.NewDropout(spec.Dropout, seed^0xd2))
		m.Last = nn.NewLinear(hidden, spec.Outputs, true, g)
		m.Classifier.Add(m.Last)
	case HeadCompact:
		f := spec.Size >> pools
		m.Last = nn.NewLinear(c*f*f, spec.Outputs, true, g)
		if spec.Dropout > 0 {
			// Named apart so that the Linear keeps its key, classifier.0.
			m.Classifier.AddNamed("dropout", nn.NewDropout(spec.Dropout, seed^0xd3))
		}
		m.Classifier.AddNamed("0", m.Last)
	}
	m.Net.AddNamed("flatten", nn.NewFlatten()).AddNamed("classifier", m.Classifier)
	if init {
		nn.InitVGG(m.Net, g)
	}
	return m
}

// Forward returns the logits [N, Outputs] of a batch x [N, C, Size, Size].
// The result is owned by the model and valid until the next Forward.
func (m *Model) Forward(x *tensor.Tensor) *tensor.Tensor {
	s := x.Shape()
	if len(s) != 4 || s[1] != m.Spec.InChannels || s[2] != m.Spec.Size || s[3] != m.Spec.Size {
		panic(fmt.Sprintf("vgg: Forward: input %v, model wants [N %d %d %d]", s, m.Spec.InChannels, m.Spec.Size, m.Spec.Size))
	}
	return m.Net.Forward(x)
}

// Backward propagates the gradient of the loss with respect to the logits,
// accumulating into every trainable parameter's Grad.
func (m *Model) Backward(dlogits *tensor.Tensor) { m.Net.Backward(dlogits) }

// Params returns the parameters with torchvision's state_dict names.
func (m *Model) Params() []*nn.Param { return m.Net.Params() }

// SetTrain switches dropout and batch norm between training and evaluation.
func (m *Model) SetTrain(train bool) { m.Net.SetTrain(train) }

// FreezeFeatures stops gradient work for the convolutional backbone.
func (m *Model) FreezeFeatures() { nn.Freeze(m.Net, "features.") }

// NumParams returns the number of trainable scalars.
func (m *Model) NumParams() int {
	n := 0
	for _, p := range m.Params() {
		n += p.Value.Len()
	}
	return n
}
