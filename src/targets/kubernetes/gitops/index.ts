export { Checkout, checkCommitish } from './checkout.js';
