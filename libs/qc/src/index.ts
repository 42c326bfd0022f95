export { weightedSsim, type SsimResult } from './ssim';
