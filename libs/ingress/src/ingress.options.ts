export interface IngressModuleOptions {
  /** Largest body accepted, enforced while reading (413 past it). */
  maxBodyBytes: number;
}
