package kernel

var tuneNoBalance bool
