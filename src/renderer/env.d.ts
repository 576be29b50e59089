import type { LifeboatBridge } from '../shared/contract.ts';

declare global {
  interface Window {
    /** Set by the Electron preload; absent when the UI runs in a browser against the headless host. */
    lifeboat?: LifeboatBridge;
  }
}
