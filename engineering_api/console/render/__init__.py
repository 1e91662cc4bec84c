"""The console's drawings of a block: LAD/FBD networks as SVG, SCL and STL as highlighted lines, GRAPH sequences,
member trees, monitoring and the diff of two versions, all from the block's SimaticML."""
