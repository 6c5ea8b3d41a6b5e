package sdk

//go:generate go run ./gen -schema ../schema -out .
