//! What `pack` needs to know about a binary before it becomes a charm's `dispatch`: that it is an
//! ELF executable (not a shared library, a script or `/etc/passwd`), for which architecture
//! (as Juju names it), and whether it carries debug information (a debug build).

/// Why a file is not a charm binary.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ElfError {
    /// Not an ELF file at all.
    #[error("is not an ELF executable (it does not start with the ELF magic number)")]
    NotElf,
    /// A 32-bit or big-endian ELF: no Juju architecture runs it.
    #[error("is a {0} ELF file; charms run 64-bit little-endian (amd64, arm64, ppc64el, riscv64) or s390x binaries")]
    WrongClass(&'static str),
    /// An ELF file that is not an executable (an object file, a shared library, a core dump).
    #[error("is an ELF {0}, not an executable")]
    NotExecutable(&'static str),
    /// The machine is not one Juju deploys to.
    #[error("is an ELF executable for machine {0}, which is not a Juju architecture")]
    UnknownMachine(u16),
    /// The file is cut short.
    #[error("is a truncated ELF file")]
    Truncated,
}

/// What the binary is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Elf {
    /// The Juju architecture (`amd64`, `arm64`, `ppc64el`, `s390x`, `riscv64`).
    pub arch: &'static str,
    /// Whether it has a `.debug_info` section (a debug build; a release build with the
    /// project's profile has none).
    pub debug_info: bool,
}

/// The architecture this tool runs on, as Juju names it (`None` on others).
pub fn host_arch() -> Option<&'static str> {
    match std::env::consts::ARCH {
        "x86_64" => Some("amd64"),
        "aarch64" => Some("arm64"),
        "powerpc64" => Some("ppc64el"),
        "s390x" => Some("s390x"),
        "riscv64" => Some("riscv64"),
        _ => None,
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    big: bool,
}

impl Reader<'_> {
    fn bytes<const N: usize>(&self, at: usize) -> Result<[u8; N], ElfError> {
        let end = at.checked_add(N).ok_or(ElfError::Truncated)?;
        let slice = self.bytes.get(at..end).ok_or(ElfError::Truncated)?;
        let mut out = [0; N];
        out.copy_from_slice(slice);
        Ok(out)
    }
    fn u16(&self, at: usize) -> Result<u16, ElfError> {
        let b = self.bytes::<2>(at)?;
        Ok(if self.big {
            u16::from_be_bytes(b)
        } else {
            u16::from_le_bytes(b)
        })
    }
    fn u32(&self, at: usize) -> Result<u32, ElfError> {
        let b = self.bytes::<4>(at)?;
        Ok(if self.big {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        })
    }
    fn u64(&self, at: usize) -> Result<u64, ElfError> {
        let b = self.bytes::<8>(at)?;
        Ok(if self.big {
            u64::from_be_bytes(b)
        } else {
            u64::from_le_bytes(b)
        })
    }
    fn usize(&self, at: usize) -> Result<usize, ElfError> {
        usize::try_from(self.u64(at)?).map_err(|_| ElfError::Truncated)
    }
}

const PT_INTERP: u32 = 3;
const PT_DYNAMIC: u32 = 2;
const DT_FLAGS_1: u64 = 0x6fff_fffb;
const DF_1_PIE: u64 = 0x0800_0000;

/// Reads the ELF header, program headers and section names of `bytes`.
///
/// ```
/// let err = cargo_paas_charm::elf::inspect(b"root:x:0:0:root:/root:/bin/bash\n").expect_err("text");
/// assert_eq!(err, cargo_paas_charm::elf::ElfError::NotElf);
/// ```
pub fn inspect(bytes: &[u8]) -> Result<Elf, ElfError> {
    if bytes.get(..4) != Some(b"\x7fELF") {
        return Err(ElfError::NotElf);
    }
    let class = *bytes.get(4).ok_or(ElfError::Truncated)?;
    let data = *bytes.get(5).ok_or(ElfError::Truncated)?;
    if class != 2 {
        return Err(ElfError::WrongClass("32-bit"));
    }
    let r = Reader {
        bytes,
        big: data == 2,
    };
    let machine = r.u16(18)?;
    let arch = match (machine, r.big) {
        (62, false) => "amd64",
        (183, false) => "arm64",
        (21, false) => "ppc64el",
        (22, true) => "s390x",
        (243, false) => "riscv64",
        (_, true) => return Err(ElfError::WrongClass("big-endian")),
        (other, false) => return Err(ElfError::UnknownMachine(other)),
    };
    let phoff = r.usize(32)?;
    let shoff = r.usize(40)?;
    let phentsize = usize::from(r.u16(54)?);
    let phnum = usize::from(r.u16(56)?);
    let shentsize = usize::from(r.u16(58)?);
    let shnum = usize::from(r.u16(60)?);
    let shstrndx = usize::from(r.u16(62)?);
    match r.u16(16)? {
        2 => {}
        3 => {
            // A position-independent executable or a shared library: an executable asks for
            // an interpreter, or (static-pie) says so in DT_FLAGS_1.
            let mut executable = false;
            for i in 0..phnum {
                let at = phoff + i * phentsize;
                match r.u32(at)? {
                    PT_INTERP => executable = true,
                    PT_DYNAMIC => {
                        let (offset, size) = (r.usize(at + 8)?, r.usize(at + 32)?);
                        for entry in (offset..offset + size).step_by(16) {
                            if r.u64(entry)? == DT_FLAGS_1 && r.u64(entry + 8)? & DF_1_PIE != 0 {
                                executable = true;
                            }
                        }
                    }
                    _ => {}
                }
            }
            if !executable {
                return Err(ElfError::NotExecutable("shared library"));
            }
        }
        1 => return Err(ElfError::NotExecutable("object file")),
        4 => return Err(ElfError::NotExecutable("core dump")),
        _ => return Err(ElfError::NotExecutable("file of unknown type")),
    }
    let mut debug_info = false;
    if shnum > 0 && shstrndx < shnum {
        let names = r.usize(shoff + shstrndx * shentsize + 24)?;
        for i in 0..shnum {
            let name = r.u32(shoff + i * shentsize)? as usize;
            let start = names + name;
            let text = bytes.get(start..).unwrap_or_default();
            let end = text.iter().position(|b| *b == 0).unwrap_or(text.len());
            if &text[..end] == b".debug_info" {
                debug_info = true;
            }
        }
    }
    Ok(Elf { arch, debug_info })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_test_binary_is_an_executable_for_the_host() {
        let me = std::env::current_exe().expect("the test binary");
        let elf = inspect(&std::fs::read(me).expect("reads")).expect("an ELF executable");
        assert_eq!(Some(elf.arch), host_arch());
        assert!(elf.debug_info, "a test binary is a debug build");
    }

    #[test]
    fn other_files_are_refused() {
        assert_eq!(inspect(b"#!/bin/sh\necho hi\n"), Err(ElfError::NotElf));
        assert_eq!(inspect(b"\x7fELF"), Err(ElfError::Truncated));
        let mut header = vec![0u8; 64];
        header[..4].copy_from_slice(b"\x7fELF");
        header[4] = 1;
        assert_eq!(inspect(&header), Err(ElfError::WrongClass("32-bit")));
        header[4] = 2;
        header[5] = 1;
        header[16] = 1; // ET_REL
        header[18] = 62;
        assert_eq!(
            inspect(&header),
            Err(ElfError::NotExecutable("object file"))
        );
        header[16] = 2;
        header[18] = 40; // ARM (32-bit machine number)
        assert_eq!(inspect(&header), Err(ElfError::UnknownMachine(40)));
    }
}
