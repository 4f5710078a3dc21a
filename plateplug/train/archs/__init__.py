"""The networks, one ``<name>_arch.py`` per network (BasicSR style, plain nn.Modules): the
enhancers ``unet_arch``, ``resnet_arch``, ``srgan_arch`` (generator and discriminator), the
text recogniser ``recognizer_arch``, the plate detector ``platenet_arch``, the router's gate
``router_arch``; ``layers`` holds their shared building blocks."""
