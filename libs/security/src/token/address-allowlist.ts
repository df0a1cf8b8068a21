import { BlockList, isIP } from 'node:net';

const CIDR = /^(.+)\/(\d{1,3})$/;

/**
 * Client addresses allowed to post, as single addresses or CIDR ranges, IPv4 or IPv6. Built once
 * at start-up; an IPv4 client seen as an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`, as on a
 * dual-stack listener) matches its IPv4 entry.
 */
export class AddressAllowlist {
  private readonly list = new BlockList();

  /** Throws an Error naming the first entry that is neither an address nor a CIDR range. */
  constructor(entries: readonly string[]) {
    for (const entry of entries) {
      const cidr = CIDR.exec(entry);
      const address = cidr ? cidr[1] : entry;
      const family = isIP(address);
      const prefix = cidr ? Number(cidr[2]) : undefined;
      if (family === 0 || (prefix !== undefined && prefix > (family === 4 ? 32 : 128))) {
        throw new Error(`"${entry}" is not an IP address or CIDR range`);
      }
      const type = family === 4 ? 'ipv4' : 'ipv6';
      if (prefix === undefined) this.list.addAddress(address, type);
      else this.list.addSubnet(address, prefix, type);
    }
  }

  allows(address: string | undefined): boolean {
    if (!address) return false;
    const family = isIP(address);
    return family !== 0 && this.list.check(address, family === 4 ? 'ipv4' : 'ipv6');
  }
}
