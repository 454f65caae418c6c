//go:build tools

// Package tools names the commands scripts/k8s-build compiles from this
// module, so that go mod tidy keeps what they import in go.mod and go.sum.
// The build tag keeps it out of every build.
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
