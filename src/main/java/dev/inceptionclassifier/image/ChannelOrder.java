package dev.inceptionclassifier.image;

/** Order of the three colour planes in the model input (CHW): decoded images are always RGB. */
enum ChannelOrder {

    /** Red, green, blue: timm, torchvision, facenet-pytorch. */
    RGB,

    /** Blue, green, red: Caffe-trained weights such as Cadene's BN-Inception ({@code input_space 'BGR'}). */
    BGR
}
