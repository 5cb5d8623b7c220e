export { localMinioClient, type MinioRootKey } from './client.js';
