// Internet checksums (RFC 1071) of captured IPv4 packets, filled in by the tap rather than by
// ns-3: ns-3's global ChecksumEnabled also computes an Ethernet CRC-32 on every CSMA frame and
// every checksum on every hop of every packet, observed or not, which was most of the cost of
// full capture. The bytes written are those ns-3 would have written.
#pragma once

#include <cstddef>
#include <cstdint>

namespace vantage::sim {

/// @brief One's-complement sum of `n` bytes (big-endian 16-bit words, odd byte padded).
uint32_t OnesComplementSum(const uint8_t* p, size_t n, uint32_t sum = 0);
/// @brief Folds a 32-bit sum and complements it: the checksum field value.
uint16_t FinishChecksum(uint32_t sum);

/// @brief Writes the IPv4 header checksum and, for an unfragmented TCP, UDP or ICMP packet,
/// the transport checksum, into `packet` (the whole IP packet, `n` bytes). A packet too short
/// for its own lengths is left as it is; ICMP errors also get the checksum of the IPv4
/// header they quote.
void FillIpv4Checksums(uint8_t* packet, size_t n);

}  // namespace vantage::sim
