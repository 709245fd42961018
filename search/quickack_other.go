//go:build !linux

package search

import "net"

// quickAck is Linux only (quickack_linux.go); elsewhere the connection is used as it is.
func quickAck(c *net.TCPConn) net.Conn { return c }
