//! The rows the core produces, independent of where they came from
//! (/proc text or netlink sock_diag) and of how they are printed.

/// The inet socket tables, in the order netstat prints them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum InetTable {
    Tcp = 0,
    Tcp6 = 1,
    Udp = 2,
    Udp6 = 3,
    UdpLite = 4,
    UdpLite6 = 5,
    Raw = 6,
    Raw6 = 7,
}

impl InetTable {
    pub const ALL: [InetTable; 8] = [
        InetTable::Tcp,
        InetTable::Tcp6,
        InetTable::Udp,
        InetTable::Udp6,
        InetTable::UdpLite,
        InetTable::UdpLite6,
        InetTable::Raw,
        InetTable::Raw6,
    ];

    /// The file under `<proc>/net/`.
    pub fn file_name(self) -> &'static str {
        match self {
            InetTable::Tcp => "tcp",
            InetTable::Tcp6 => "tcp6",
            InetTable::Udp => "udp",
            InetTable::Udp6 => "udp6",
            InetTable::UdpLite => "udplite",
            InetTable::UdpLite6 => "udplite6",
            InetTable::Raw => "raw",
            InetTable::Raw6 => "raw6",
        }
    }

    pub fn protocol(self) -> Protocol {
        match self {
            InetTable::Tcp | InetTable::Tcp6 => Protocol::Tcp,
            InetTable::Udp | InetTable::Udp6 => Protocol::Udp,
            InetTable::UdpLite | InetTable::UdpLite6 => Protocol::UdpLite,
            InetTable::Raw | InetTable::Raw6 => Protocol::Raw,
        }
    }

    pub fn is_ipv6(self) -> bool {
        (self as u8) & 1 == 1
    }

    pub fn from_index(i: u8) -> Option<InetTable> {
        InetTable::ALL.get(i as usize).copied()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Protocol {
    Tcp,
    Udp,
    UdpLite,
    Raw,
}

/// One row of /proc/net/{tcp,udp,udplite,raw}{,6}.
///
/// Addresses are kept as 16 bytes in network order; an IPv4 address fills the
/// first 4 bytes (the table says which family it is).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InetSocket {
    pub table: InetTable,
    pub local_addr: [u8; 16],
    pub local_port: u16,
    pub remote_addr: [u8; 16],
    pub remote_port: u16,
    /// The kernel's state number (TCP states; 7 = CLOSE for unconnected udp/raw).
    pub state: u8,
    pub tx_queue: u32,
    pub rx_queue: u32,
    /// 0 none, 1 retransmit, 2 keepalive, 3 timewait, 4 probe (tcp); udp/raw differ.
    pub timer_active: u8,
    /// Time left on the timer, in clock ticks (USER_HZ) as /proc prints it.
    pub timer_ticks: u64,
    pub retransmits: u32,
    pub uid: u32,
    /// The "timeout" column: unanswered zero-window probes / keepalives.
    pub timeout: i32,
    pub inode: u64,
    /// The cgroup the socket was created in: its id (the inode of its
    /// directory in the cgroup2 tree), as netlink reports it; 0 when unknown
    /// (the /proc tables do not say).
    pub cgroup_id: u64,
    /// A listening tcp socket's backlog, the limit of its accept queue
    /// (sk_max_ack_backlog): netlink gives it; /proc does not show it (None).
    pub listen_backlog: Option<u32>,
    /// tcp_info, congestion control and memory counters (`ss -i`, `ss -m`):
    /// only when the query asked for them ([`crate::SocketQuery::tcp_info`],
    /// [`crate::SocketQuery::memory`]) and netlink gave them; /proc has none.
    pub details: Option<Box<crate::details::SocketDetails>>,
    /// The interface the socket is bound to (idiag_if: SO_BINDTODEVICE, or a
    /// link-local IPv6 address's scope), as netlink reports it; 0 for none and
    /// from /proc (its tables do not say).
    pub interface: u32,
}

impl InetSocket {
    /// A row of `table` with every field zero, to fill in.
    pub fn empty(table: InetTable) -> InetSocket {
        InetSocket {
            table,
            local_addr: [0; 16],
            local_port: 0,
            remote_addr: [0; 16],
            remote_port: 0,
            state: 0,
            tx_queue: 0,
            rx_queue: 0,
            timer_active: 0,
            timer_ticks: 0,
            retransmits: 0,
            uid: 0,
            timeout: 0,
            inode: 0,
            cgroup_id: 0,
            listen_backlog: None,
            details: None,
            interface: 0,
        }
    }
}

/// One row of /proc/net/unix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnixSocket {
    pub refcount: u32,
    pub protocol: u32,
    pub flags: u32,
    pub sock_type: u16,
    pub state: u8,
    pub inode: u64,
    /// The bound path exactly as the kernel printed it (abstract names begin
    /// with '@'); None when the socket is unbound.
    pub path: Option<Vec<u8>>,
    /// The memory counters (`ss -xm`'s skmem), when the query asked for them
    /// ([`crate::SocketQuery::memory`]) and unix_diag gave them; /proc has none.
    pub memory: Option<crate::details::SocketMemory>,
}

/// The process that owns a socket inode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owner {
    pub pid: u32,
    /// netstat's program name: `argv[0]` (up to its first NUL, from the first 511
    /// bytes of /proc/PID/cmdline), reduced to its basename when it starts with '/'.
    pub name: Vec<u8>,
}

/// How much of the fd walk could be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[repr(u8)]
pub enum OwnerAccess {
    /// Owners were not asked for.
    #[default]
    NotRequested = 0,
    /// Every process's fd directory could be read.
    Complete = 1,
    /// Some processes denied access (EACCES), but some sockets were identified.
    Partial = 2,
    /// Access was denied and no socket could be identified.
    Denied = 3,
}
