# gocnn's vocabulary: build test bench fuzz asm lint run.
GO       ?= go
BIN      ?= gocnn
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -s -w -buildid= -X main.version=$(VERSION)
# Packages that start goroutines; they also run under the race detector.
RACE_PKGS ?= ./kernels/... ./data/... ./vgg16/...

.PHONY: all build test test-unit test-purego test-race fmt-check vet bench fuzz asm lint run quality quality-pairs golden parity test-arm64 test-ship clean

all: build

## build: a static, reproducible gocnn binary in ./gocnn (same tree and VERSION, same bytes;
## the version comes from VERSION, not from .git, so a checkout and a Docker context agree)
build:
	CGO_ENABLED=0 $(GO) build -trimpath -buildvcs=false -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/gocnn

## test: everything CI runs (vet, gofmt, unit tests with and without assembly, race)
test: vet fmt-check test-unit test-purego test-race test-ship

vet:
	$(GO) vet ./...
	$(GO) vet -tags purego ./...

fmt-check:
	@out=$$(gofmt -l $$(find . -name '*.go' -not -path './.git/*')); \
	if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi

test-unit:
	$(GO) test -count=1 ./...

test-purego:
	$(GO) test -count=1 -tags purego ./...

test-race:
	$(GO) test -count=1 -race -short $(RACE_PKGS)

## test-ship: make build's binary is static, reproducible (rebuilt with a fresh cache) and
## within its size budget, and runs alone in an empty chroot (as root); each GOCNN_ISA agrees
test-ship:
	$(GO) vet -tags ship ./cmd/gocnn/
	$(GO) test -count=1 -tags ship -run '^TestShip' -v ./cmd/gocnn/

## bench: kernel and end-to-end throughput benchmarks (GFLOP/s, images/s)
bench:
	$(GO) test -run '^$$' -bench . -benchtime 2x ./kernels/ ./bench/...

## fuzz: a short run of every fuzz target
fuzz:
	@for pkg in $$($(GO) list ./...); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "fuzz $$pkg $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime 20s $$pkg || exit 1; \
	  done; \
	done

## asm: regenerate generated assembly (none is generated yet; all is hand-written)
asm:
	@echo "all assembly is hand-written; nothing to generate"

## lint: go vet plus staticcheck (fetched through the module proxy)
lint: vet fmt-check
	$(GO) run honnef.co/go/tools/cmd/staticcheck@latest ./...

## run: the main job — train a VGG on the embedded imbalanced default dataset
run: build
	./$(BIN) train -demo

## quality: the imbalanced Fashion-MNIST quality benchmark (issue 8): the
## CIFAR-style VGG16 with BN and without, gocnn's defaults, 4 epochs, batch 64,
## Adam 1e-4, three seeds each; test metrics on the balanced 1000+1000 split.
QUALITY_SEEDS ?= 0 1 2
quality: build
	@for arch in vgg16_bn vgg16; do for s in $(QUALITY_SEEDS); do \
	  echo "== $$arch seed $$s"; \
	  ./$(BIN) train -data embedded:fmnist -arch $$arch -epochs 4 -batch 64 -lr 1e-4 -seed $$s \
	    -out runs/quality/$$arch-seed$$s | grep -E '^(imbalance|training|best|test)' || exit 1; \
	done; done

## quality-pairs: the defaults on other Fashion-MNIST tasks (needs dataset-fashion-mnist):
## Sandal vs rest at 100:1 and Shirt vs rest at 50:1 (vgg16_bn), Pullover vs rest at 20:1 (vgg16)
quality-pairs:
	$(GO) run ./examples/fmnist-pairs -pos 5 -ratio 100 -out runs/pairs/sandal-100 | grep -E '^(imbalance|best|pair)'
	$(GO) run ./examples/fmnist-pairs -pos 6 -ratio 50 -out runs/pairs/shirt-50 | grep -E '^(imbalance|best|pair)'
	$(GO) run ./examples/fmnist-pairs -pos 2 -ratio 20 -arch vgg16 -out runs/pairs/pullover-20 | grep -E '^(imbalance|best|pair)'

## golden: regenerate the PyTorch golden files (needs python3-torch)
golden:
	@for s in $$(git ls-files '*gen*.py' | grep testdata); do echo "/usr/bin/python3 $$s"; /usr/bin/python3 $$s || exit 1; done

## parity: full-size vgg16 and vgg11_bn against PyTorch, random weights made on the spot (~1.5 GB in a temporary folder)
parity:
	@d=$$(mktemp -d); trap 'rm -rf "$$d"' EXIT; \
	/usr/bin/python3 vgg16/testdata/gen.py --full "$$d" && \
	GOCNN_PARITY_DIR="$$d" $(GO) test -count=1 -run '^TestParity' -v ./vgg16/

## test-arm64: the test suite (-short) built for arm64 (pure-Go kernels) under qemu-user
## (apt-get install qemu-user; no binfmt needed). 15 min on a busy 2-core machine: not in CI; run before a release
test-arm64:
	@command -v qemu-aarch64 >/dev/null || { echo "test-arm64 needs qemu-aarch64: apt-get install -y qemu-user"; exit 1; }
	GOARCH=arm64 CGO_ENABLED=0 $(GO) test -count=1 -short -timeout 60m -exec qemu-aarch64 ./...

clean:
	rm -f $(BIN)
