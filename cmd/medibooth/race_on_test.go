//go:build race

package main

// raceBuild is true in a test binary built with the race detector.
const raceBuild = true
