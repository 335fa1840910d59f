// This file decides, once, which instruction set the kernels use. Every
// dispatch decision in the package reads the variables set here; no kernel
// tests CPU features inside a hot loop.

package kernels

import (
	"fmt"
	"os"
	"strings"

	"github.com/klauspost/cpuid/v2"
	"golang.org/x/sys/cpu"
)

// ISA names a family of kernel implementations.
type ISA int

const (
	// Generic is the pure-Go path, available everywhere.
	Generic ISA = iota
	// AVX2 is the AVX2+FMA assembly path (256-bit, 16 registers).
	AVX2
	// AVX512 is the AVX-512F assembly path (512-bit, 32 registers, masks).
	AVX512
)

// String returns the name used by GOCNN_ISA and in reports.
func (i ISA) String() string {
	switch i {
	case Generic:
		return "generic"
	case AVX2:
		return "avx2"
	case AVX512:
		return "avx512"
	}
	return fmt.Sprintf("ISA(%d)", int(i))
}

// ParseISA parses a GOCNN_ISA value ("generic", "go", "avx2", "avx512").
func ParseISA(s string) (ISA, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "generic", "go", "purego":
		return Generic, nil
	case "avx2", "fma":
		return AVX2, nil
	case "avx512", "avx-512":
		return AVX512, nil
	}
	return Generic, fmt.Errorf("kernels: unknown ISA %q (want generic, avx2 or avx512)", s)
}

var (
	// hasAVX2 reports AVX2+FMA support usable by the assembly (x/sys/cpu honours
	// GODEBUG=cpu.avx2=off).
	hasAVX2 = cpu.X86.HasAVX2 && cpu.X86.HasFMA && asmAvailable
	// hasAVX512 reports AVX-512 F+BW+VL+DQ support usable by the assembly.
	hasAVX512 = cpu.X86.HasAVX512F && cpu.X86.HasAVX512BW && cpu.X86.HasAVX512VL &&
		cpu.X86.HasAVX512DQ && hasAVX2

	// active is the ISA every dispatching kernel uses.
	active ISA
	// isaErr records an unusable GOCNN_ISA request; Init reports it.
	isaErr error
	// isaForced reports that active was chosen by GOCNN_ISA or SetISA rather
	// than by preferredISA: kernels that choose per shape between their
	// variants (Sgemm on AVX-512 CPUs) then use the forced one.
	isaForced bool
)

func init() {
	active = preferredISA()
	if s := os.Getenv("GOCNN_ISA"); s != "" {
		isa, err := ParseISA(s)
		if err == nil && !Supported(isa) {
			err = fmt.Errorf("kernels: GOCNN_ISA=%s is not supported by this CPU or build (available: %v)", s, Available())
		}
		if err != nil {
			isaErr = err
			return
		}
		active = isa
		isaForced = true
	}
}

// preferredISA is the measured preference for this CPU. On AMD Zen 4 512-bit
// FMAs give no more FLOPs than 256-bit ones (ANCHORS.md), so having AVX-512 is
// not by itself a reason to choose it; kernels that profit from 32 registers
// and masks may still use their AVX-512 variant when AVX512 is active.
func preferredISA() ISA {
	switch {
	case hasAVX512:
		return AVX512
	case hasAVX2:
		return AVX2
	}
	return Generic
}

// CheckISA returns the error of an unusable GOCNN_ISA setting, or nil. Commands
// call it at start-up so that a bad setting is an error, not a SIGILL.
func CheckISA() error { return isaErr }

// Active returns the ISA the kernels dispatch to.
func Active() ISA { return active }

// Supported reports whether isa can run on this CPU and build.
func Supported(isa ISA) bool {
	switch isa {
	case Generic:
		return true
	case AVX2:
		return hasAVX2
	case AVX512:
		return hasAVX512
	}
	return false
}

// Available lists the ISAs usable here, generic first.
func Available() []ISA {
	out := []ISA{Generic}
	for _, i := range []ISA{AVX2, AVX512} {
		if Supported(i) {
			out = append(out, i)
		}
	}
	return out
}

// SetISA forces isa for all later kernel calls and returns the previous
// choice. It is meant for tests and benchmarks; it panics if isa is not
// supported. It must not be called while kernels run on other goroutines.
func SetISA(isa ISA) ISA {
	if !Supported(isa) {
		panic(fmt.Sprintf("kernels: SetISA(%v): not supported here (available: %v)", isa, Available()))
	}
	prev := active
	active = isa
	isaForced = true
	return prev
}

// CPUInfo describes the processor as the kernels see it, for `gocnn version`.
type CPUInfo struct {
	Brand      string
	Vendor     string
	Family     int
	Model      int
	Cores      int
	Threads    int
	L1D        int // bytes per core, -1 if unknown
	L2         int // bytes per core, -1 if unknown
	L3         int // bytes shared, -1 if unknown
	AVX2       bool
	FMA        bool
	AVX512F    bool
	AVX512BW   bool
	AVX512VL   bool
	AVX512VNNI bool
	Asm        bool // assembly kernels compiled in (not purego, amd64)
	Active     ISA
	Available  []ISA
}

// Info returns the CPU description. Cache sizes come from CPUID through
// klauspost/cpuid; they tune blocking, never correctness.
func Info() CPUInfo {
	c := cpuid.CPU
	return CPUInfo{
		Brand:      c.BrandName,
		Vendor:     c.VendorString,
		Family:     c.Family,
		Model:      c.Model,
		Cores:      c.PhysicalCores,
		Threads:    c.LogicalCores,
		L1D:        c.Cache.L1D,
		L2:         c.Cache.L2,
		L3:         c.Cache.L3,
		AVX2:       cpu.X86.HasAVX2,
		FMA:        cpu.X86.HasFMA,
		AVX512F:    cpu.X86.HasAVX512F,
		AVX512BW:   cpu.X86.HasAVX512BW,
		AVX512VL:   cpu.X86.HasAVX512VL,
		AVX512VNNI: cpu.X86.HasAVX512VNNI,
		Asm:        asmAvailable,
		Active:     active,
		Available:  Available(),
	}
}

// cacheSizes returns L1D, L2 (per core) and L3 sizes in bytes with defaults
// for unknown values, for the blocking heuristics.
func cacheSizes() (l1, l2, l3 int) {
	l1, l2, l3 = cpuid.CPU.Cache.L1D, cpuid.CPU.Cache.L2, cpuid.CPU.Cache.L3
	if l1 <= 0 {
		l1 = 32 << 10
	}
	if l2 <= 0 {
		l2 = 512 << 10
	}
	if l3 <= 0 {
		l3 = 8 << 20
	}
	return
}
