"""Thin views: parse input, call one domain function, return what the actor should now see.

One module per audience or capability; ``base`` holds what they share."""
