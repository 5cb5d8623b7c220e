export { Checkout } from './checkout.js';
