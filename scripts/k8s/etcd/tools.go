//go:build tools

// Package tools names the etcd server scripts/k8s-build compiles from this
// module, so that go mod tidy keeps what it imports in go.mod and go.sum.
// The build tag keeps it out of every build.
package tools

import (
	_ "go.etcd.io/etcd/server/v3"
)
