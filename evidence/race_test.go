//go:build race

package evidence

// raceEnabled is true when the tests run with the race detector, so that the helper program
// they build uses the same build settings and the packages already compiled for the tests.
const raceEnabled = true
