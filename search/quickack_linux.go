package search

import (
	"net"
	"syscall"
)

// quickAckConn asks the kernel, before each read, to acknowledge what arrives at once. Linux
// leaves quick-ack mode by itself after a while, so it is asked every time; it costs one
// setsockopt per read.
type quickAckConn struct{ *net.TCPConn }

func quickAck(c *net.TCPConn) net.Conn { return quickAckConn{c} }

func (c quickAckConn) Read(b []byte) (int, error) {
	if raw, err := c.SyscallConn(); err == nil {
		_ = raw.Control(func(fd uintptr) {
			_ = syscall.SetsockoptInt(int(fd), syscall.IPPROTO_TCP, syscall.TCP_QUICKACK, 1)
		})
	}
	return c.TCPConn.Read(b)
}
