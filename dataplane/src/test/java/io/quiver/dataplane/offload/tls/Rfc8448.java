package io.quiver.dataplane.offload.tls;

import java.util.HexFormat;

/**
 * Values from RFC 8448, "Example Handshake Traces for TLS 1.3": §3 (Simple 1-RTT Handshake, X25519,
 * TLS_AES_128_GCM_SHA256), §4 (Resumed 0-RTT Handshake, with the PSK of §3's ticket) and §5 (HelloRetryRequest).
 * Copied from the RFC's hex; the message sizes the RFC states are asserted in the tests.
 */
final class Rfc8448 {
    private Rfc8448() {
    }

    static byte[] hex(String spaced) {
        return HexFormat.of().parseHex(spaced.replaceAll("\\s+", ""));
    }

    /** SHA-256 by the JDK, independent of the backend under test: the transcript hashes the traces imply. */
    static byte[] sha256(byte[]... parts) {
        try {
            java.security.MessageDigest d = java.security.MessageDigest.getInstance("SHA-256");
            for (byte[] p : parts) {
                d.update(p);
            }
            return d.digest();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    /** §3: Simple 1-RTT Handshake. */
    static final class Simple {
        static final byte[] CLIENT_PRIVATE = hex("49af42ba7f7994852d713ef2784bcbcaa7911de26adc5642cb634540e7ea5005");
        static final byte[] CLIENT_PUBLIC = hex("99381de560e4bd43d23d8e435a7dbafeb3c06e51c13cae4d5413691e529aaf2c");
        static final byte[] SERVER_PRIVATE = hex("b1580eeadf6dd589b8ef4f2d5652578cc810e9980191ec8d058308cea216a21e");
        static final byte[] SERVER_PUBLIC = hex("c9828876112095fe66762bdbf7c672e156d6cc253b833df1dd69b1b04e751f0f");

        static final byte[] CLIENT_HELLO = hex("""
                010000c00303cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7000006130113031302010000910000
                000b0009000006736572766572ff01000100000a00140012001d0017001800190100010101020103010400230000003300260024001d
                002099381de560e4bd43d23d8e435a7dbafeb3c06e51c13cae4d5413691e529aaf2c002b0003020304000d0020001e04030503060302
                0308040805080604010501060102010402050206020202002d00020101001c00024001""");
        static final byte[] SERVER_HELLO = hex("""
                020000560303a6af06a4121860dc5e6e60249cd34c95930c8ac5cb1434dac155772ed3e2692800130100002e00330024001d0020c982
                8876112095fe66762bdbf7c672e156d6cc253b833df1dd69b1b04e751f0f002b00020304""");
        static final byte[] ENCRYPTED_EXTENSIONS = hex(
                "080000240022000a00140012001d00170018001901000101010201030104001c0002400100000000");
        static final byte[] CERTIFICATE = hex("""
                0b0001b9000001b50001b0308201ac30820115a003020102020102300d06092a864886f70d01010b0500300e310c300a0603550403
                1303727361301e170d3136303733303031323335395a170d3236303733303031323335395a300e310c300a06035504031303727361
                30819f300d06092a864886f70d010101050003818d0030818902818100b4bb498f8279303d980836399b36c6988c0c68de55e1bdb8
                26d3901a2461eafd2de49a91d015abbc9a95137ace6c1af19eaa6af98c7ced43120998e187a80ee0ccb0524b1b018c3e0b63264d44
                9a6d38e22a5fda430846748030530ef0461c8ca9d9efbfae8ea6d1d03e2bd193eff0ab9a8002c47428a6d35a8d88d79f7f1e3f0203
                010001a31a301830090603551d1304023000300b0603551d0f0404030205a0300d06092a864886f70d01010b05000381810085aad2
                a0e5b9276b908c65f73a7267170618a54c5f8a7b337d2df7a594365417f2eae8f8a58c8f8172f9319cf36b7fd6c55b80f21a030151
                56726096fd335e5e67f2dbf102702e608ccae6bec1fc63a42a99be5c3eb7107c3c54e9b9eb2bd5203b1c3b84e0a8b2f759409ba3ea
                c9d91d402dcc0cc8f8961229ac9187b42b4de10000""");
        static final byte[] CERTIFICATE_VERIFY = hex("""
                0f000084080400805a747c5d88fa9bd2e55ab085a61015b7211f824cd484145ab3ff52f1fda8477b0b7abc90db78e2d33a5c141a07
                8653fa6bef780c5ea248eeaaa785c4f394cab6d30bbe8d4859ee511f602957b15411ac027671459e46445c9ea58c181e818e95b8c3
                fb0bf3278409d3be152a3da5043e063dda65cdf5aea20d53dfacd42f74f3""");
        static final byte[] SERVER_FINISHED = hex(
                "140000209b9b141d906337fbd2cbdce71df4deda4ab42c309572cb7fffee5454b78f0718");
        static final byte[] CLIENT_FINISHED = hex(
                "14000020a8ec436d677634ae525ac1fcebe11a039ec17694fac6e98527b642f2edd5ce61");
        static final byte[] NEW_SESSION_TICKET = hex("""
                040000c90000001efad6aac502000000b22c035d829359ee5ff7af4ec900000000262a6494dc486d2c8a34cb33fa90bf1b0070ad3c
                498883c9367c09a2be785abc55cd226097a3a982117283f82a03a143efd3ff5dd36d64e861be7fd61d2827db279cce145077d454a3
                664d4e6da4d29ee03725a6a4dafcd0fc67d2aea70529513e3da2677fa5906c5b3f7d8f92f228bda40dda721470f9fbf297b5aea617
                646fac5c03272e970727c621a79141ef5f7de6505e5bfbc388e93343694093934ae4d3570008002a000400000400""");
        static final byte[] TICKET_NONCE = hex("0000");

        static final byte[] SHARED_SECRET = hex("8bd4054fb55b9d63fdfbacf9f04b9f0d35e6d63f537563efd46272900f89492d");
        static final byte[] EARLY_SECRET = hex("33ad0a1c607ec03b09e6cd9893680ce210adf300aa1f2660e1b22e10f170f92a");
        static final byte[] DERIVED_FOR_HANDSHAKE = hex("6f2615a108c702c5678f54fc9dbab69716c076189c48250cebeac3576c3611ba");
        static final byte[] HANDSHAKE_SECRET = hex("1dc826e93606aa6fdc0aadc12f741b01046aa6b99f691ed221a9f0ca043fbeac");
        static final byte[] HELLO_HASH = hex("860c06edc07858ee8e78f0e7428c58edd6b43f2ca3e6e95f02ed063cf0e1cad8");
        static final byte[] CLIENT_HANDSHAKE_TRAFFIC = hex("b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21");
        static final byte[] SERVER_HANDSHAKE_TRAFFIC = hex("b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38");
        static final byte[] DERIVED_FOR_MASTER = hex("43de77e0c77713859a944db9db2590b53190a65b3ee2e4f12dd7a0bb7ce254b4");
        static final byte[] MASTER_SECRET = hex("18df06843d13a08bf2a449844c5f8a478001bc4d4c627984d5a41da8d0402919");
        static final byte[] SERVER_HANDSHAKE_KEY = hex("3fce516009c21727d0f2e4e86ee403bc");
        static final byte[] SERVER_HANDSHAKE_IV = hex("5d313eb2671276ee13000b30");
        static final byte[] CLIENT_HANDSHAKE_KEY = hex("dbfaa693d1762c5b666af5d950258d01");
        static final byte[] CLIENT_HANDSHAKE_IV = hex("5bd3c71b836e0b76bb73265f");
        static final byte[] SERVER_FINISHED_KEY = hex("008d3b66f816ea559f96b537e885c31fc068bf492c652f01f288a1d8cdc19fc8");
        static final byte[] SERVER_VERIFY_DATA = hex("9b9b141d906337fbd2cbdce71df4deda4ab42c309572cb7fffee5454b78f0718");
        static final byte[] SERVER_FINISHED_HASH = hex("9608102a0f1ccc6db6250b7b7e417b1a000eaada3daae4777a7686c9ff83df13");
        static final byte[] CLIENT_APPLICATION_TRAFFIC = hex("9e40646ce79a7f9dc05af8889bce6552875afa0b06df0087f792ebb7c17504a5");
        static final byte[] SERVER_APPLICATION_TRAFFIC = hex("a11af9f05531f856ad47116b45a950328204b4f44bfb6b3a4b4f1f3fcb631643");
        static final byte[] EXPORTER_MASTER = hex("fe22f881176eda18eb8f44529e6792c50c9a3f89452f68d8ae311b4309d3cf50");
        static final byte[] SERVER_APPLICATION_KEY = hex("9f02283b6c9c07efc26bb9f2ac92e356");
        static final byte[] SERVER_APPLICATION_IV = hex("cf782b88dd83549aadf1e984");
        static final byte[] CLIENT_FINISHED_KEY = hex("b80ad01015fb2f0bd65ff7d4da5d6bf83f84821d1f87fdc7d3c75b5a7b42d9c4");
        static final byte[] CLIENT_VERIFY_DATA = hex("a8ec436d677634ae525ac1fcebe11a039ec17694fac6e98527b642f2edd5ce61");
        static final byte[] CLIENT_APPLICATION_KEY = hex("17422dda596ed5d9acd890e3c63f5051");
        static final byte[] CLIENT_APPLICATION_IV = hex("5b78923dee08579033e523d9");
        static final byte[] CLIENT_FINISHED_HASH = hex("209145a96ee8e2a122ff810047cc952684658d6049e86429426db87c54ad143d");
        static final byte[] RESUMPTION_MASTER = hex("7df235f2031d2a051287d02b0241b0bfdaf86cc856231f2d5aba46c434ec196c");
        static final byte[] RESUMPTION_PSK = hex("4ecd0eb6ec3b4d87f5d6028f922ca4c5851a277fd41311c9e62d2c9492e1c4f3");

        /** {server} send handshake record: EncryptedExtensions..Finished under the server handshake key. */
        static final byte[] SERVER_FLIGHT_RECORD = hex("""
                17030302a2d1ff334a56f5bff6594a07cc87b580233f500f45e489e7f33af35edf7869fcf40aa40aa2b8ea73f848a7ca07612ef9f9
                45cb960b4068905123ea78b111b429ba9191cd05d2a389280f526134aadc7fc78c4b729df828b5ecf7b13bd9aefb0e57f271585b8e
                a9bb355c7c79020716cfb9b1183ef3ab20e37d57a6b9d7477609aee6e122a4cf51427325250c7d0e509289444c9b3a648f1d71035d
                2ed65b0e3cdd0cbae8bf2d0b227812cbb360987255cc744110c453baa4fcd610928d809810e4b7ed1a8fd991f06aa6248204797e36
                a6a73b70a2559c09ead686945ba246ab66e5edd8044b4c6de3fcf2a89441ac66272fd8fb330ef8190579b3684596c960bd596eea52
                0a56a8d650f563aad27409960dca63d3e688611ea5e22f4415cf9538d51a200c27034272968a264ed6540c84838d89f72c24461aad
                6d26f59ecaba9acbbb317b66d902f4f292a36ac1b639c637ce343117b659622245317b49eeda0c6258f100d7d961ffb138647e92ea
                330faeea6dfa31c7a84dc3bd7e1b7a6c7178af36879018e3f252107f243d243dc7339d5684c8b0378bf30244da8c87c843f5e56eb4
                c5e8280a2b48052cf93b16499a66db7cca71e4599426f7d461e66f99882bd89fc50800becca62d6c74116dbd2972fda1fa80f85df8
                81edbe5a37668936b335583b599186dc5c6918a396fa48a181d6b6fa4f9d62d513afbb992f2b992f67f8afe67f76913fa388cb5630
                c8ca01e0c65d11c66a1e2ac4c85977b7c7a6999bbf10dc35ae69f5515614636c0b9b68c19ed2e31c0b3b66763038ebba42f3b38edc
                0399f3a9f23faa63978c317fc9fa66a73f60f0504de93b5b845e275592c12335ee340bbc4fddd502784016e4b3be7ef04dda49f4b4
                40a30cb5d2af939828fd4ae3794e44f94df5a631ede42c1719bfdabf0253fe5175be898e750edc53370d2b""");
        /** {client} send handshake record: the client Finished under the client handshake key. */
        static final byte[] CLIENT_FINISHED_RECORD = hex("""
                170303003575ec4dc238cce60b298044a71e219c56cc77b0517fe9b93c7a4bfc44d87f38f80338ac98fc46deb384bd1caeacab6867
                d726c40546""");
        /** {client} send application_data record: 00 01 .. 31 under the client application key, sequence 0. */
        static final byte[] CLIENT_APPLICATION_RECORD = hex("""
                1703030043a23f7054b62c94d0affafe8228ba55cbefacea42f914aa66bcab3f2b9819a8a5b46b395bd54a9a20441e2b62974e1f5a
                6292a2977014bd1e3deae63aeebb21694915e4""");
        /** {server} send application_data record: the same 50 bytes, sequence 1 (the ticket went first). */
        static final byte[] SERVER_APPLICATION_RECORD = hex("""
                17030300432e937e11ef4ac740e538ad36005fc4a46932fc3225d05f82aa1b36e30efaf97d90e6dffc602dcb501a59a8fcc49c4bf2
                e5f0a21c0047c2abf332540dd032e167c2955d""");

        static byte[] applicationData() {
            byte[] data = new byte[50];
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) i;
            }
            return data;
        }

        static byte[] serverFlight() {
            return concat(ENCRYPTED_EXTENSIONS, CERTIFICATE, CERTIFICATE_VERIFY, SERVER_FINISHED);
        }

        private Simple() {
        }
    }

    /** §4: Resumed 0-RTT Handshake with the PSK of §3's NewSessionTicket. */
    static final class Resumed {
        static final byte[] CLIENT_PRIVATE = hex("bff91188283846dd6a2134ef7180ca2b0b14fb10dce707b5098c0dddc813b2df");
        static final byte[] CLIENT_PUBLIC = hex("e4ffb68ac05f8d96c99da26698346c6be16482badddafe051a66b4f18d668f0b");
        static final byte[] SERVER_PRIVATE = hex("de5b4476e7b490b2652d338acbf2948066f255f9440e23b98fc69835298dc107");
        static final byte[] SERVER_PUBLIC = hex("121761ee42c333e1b9e77b60dd57c2053cd94512ab47f115e86eff50942cea31");

        /** The ClientHello up to (not including) the binders: what the binder covers. */
        static final byte[] CLIENT_HELLO_PREFIX = concat(hex("""
                010001fc03031bc3ceb6bbe39cff938355b5a50adb6db21b7a6af649d7b4bc419d7876487d95000006130113031302010001cd0000
                000b0009000006736572766572ff01000100000a00140012001d00170018001901000101010201030104003300260024001d0020e4
                ffb68ac05f8d96c99da26698346c6be16482badddafe051a66b4f18d668f0b002a0000002b0003020304000d0020001e0403050306
                03020308040805080604010501060102010402050206020202002d00020101001c0002400100150057"""),
                new byte[0x57], // the padding extension's zeros
                hex("""
                002900dd00b800b22c035d829359ee5ff7af4ec900000000262a6494dc486d2c8a34cb33fa90bf1b0070ad3c498883c9367c09a2
                be785abc55cd226097a3a982117283f82a03a143efd3ff5dd36d64e861be7fd61d2827db279cce145077d454a3664d4e6da4d29e
                e03725a6a4dafcd0fc67d2aea70529513e3da2677fa5906c5b3f7d8f92f228bda40dda721470f9fbf297b5aea617646fac5c0327
                2e970727c621a79141ef5f7de6505e5bfbc388e93343694093934ae4d357fad6aacb"""));
        static final byte[] BINDER = hex("3add4fb2d8fdf822a0ca3cf7678ef5e88dae990141c5924d57bb6fa31b9e5f9d");
        static final byte[] CLIENT_HELLO = concat(CLIENT_HELLO_PREFIX, hex("002120"), BINDER);
        static final byte[] SERVER_HELLO = hex("""
                0200005c03033ccfd2dec890222763472ae8136777c9d7358777bb66e91ea5122495f559ea2d00130100003400290002000000330024
                001d0020121761ee42c333e1b9e77b60dd57c2053cd94512ab47f115e86eff50942cea31002b00020304""");
        static final byte[] ENCRYPTED_EXTENSIONS = hex(
                "080000280026000a00140012001d00170018001901000101010201030104001c0002400100000000002a0000");
        static final byte[] SERVER_FINISHED = hex(
                "1400002048d3e0e1b3d907c6acff145e16090388c77b05c050b634ab1a88bbd0dd1a34b2");
        static final byte[] END_OF_EARLY_DATA = hex("05000000");
        static final byte[] CLIENT_FINISHED = hex(
                "140000207230a9c952c25cd6138fc5e6628308c41c5335dd81b9f96bcea50fd32bda416d");

        static final byte[] EARLY_SECRET = hex("9b2188e9b2fc6d64d71dc329900e20bb41915000f678aa839cbb797cb7d8332c");
        static final byte[] BINDER_HASH = hex("63224b2e4573f2d3454ca84b9d009a04f6be9e05711a8396473aefa01e924a14");
        static final byte[] BINDER_KEY = hex("69fe131a3bbad5d63c64eebcc30e395b9d8107726a13d074e389dbc8a4e47256");
        static final byte[] BINDER_FINISHED_KEY = hex("5588673e72cb59c87d220caffe94f2dea9a3b1609f7d50e90a48227db9ed7eaa");
        static final byte[] CLIENT_EARLY_TRAFFIC = hex("3fbbe6a60deb66c30a32795aba0eff7eaa10105586e7be5c09678d63b6caab62");
        static final byte[] EARLY_EXPORTER_MASTER = hex("b2026866610937d7423e5be90862ccf24c0e6091186d34f812089ff5be2ef7df");
        static final byte[] EARLY_KEY = hex("920205a5b7bf2115e6fc5c2942834f54");
        static final byte[] EARLY_IV = hex("6d475f0993c8e564610db2b9");
        static final byte[] DERIVED_FOR_HANDSHAKE = hex("5f1790bbd82c5e7d376ed2e1e52f8e6038c9346db61b43be9a52f77ef3998e80");
        static final byte[] SHARED_SECRET = hex("f44194756ff9ec9d25180635d66ea6824c6ab3bf179977be37f723570e7ccb2e");
        static final byte[] HANDSHAKE_SECRET = hex("005cb112fd8eb4ccc623bb88a07c64b3ede1605363fc7d0df8c7ce4ff0fb4ae6");
        static final byte[] CLIENT_HANDSHAKE_TRAFFIC = hex("2faac08f851d35fea3604fcb4de82dc62c9b164a70974d0462e27f1ab278700f");
        static final byte[] SERVER_HANDSHAKE_TRAFFIC = hex("fe927ae271312e8bf0275b581c54eef020450dc4ecffaa05a1a35d27518e7803");
        static final byte[] DERIVED_FOR_MASTER = hex("e2f16030251df0874ba19b9aba257610bc6d531c1dd206df0ca6e84ae2a26742");
        static final byte[] MASTER_SECRET = hex("e2d32d4ed66dd37897a0e80c84107503ce58bf8aad4cb55a5002d77ecb890ece");
        static final byte[] SERVER_HANDSHAKE_KEY = hex("27c6bdc0a3dcea39a47326d79bc9e4ee");
        static final byte[] SERVER_HANDSHAKE_IV = hex("9569ecdd4d0536705e9ef725");
        static final byte[] SERVER_VERIFY_DATA = hex("48d3e0e1b3d907c6acff145e16090388c77b05c050b634ab1a88bbd0dd1a34b2");
        static final byte[] CLIENT_APPLICATION_TRAFFIC = hex("2abbf2b8e381d23dbebe1dd2a7d16a8bf484cb4950d23fb7fb7fa8547062d9a1");
        static final byte[] SERVER_APPLICATION_TRAFFIC = hex("cc21f1bf8feb7dd5fa505bd9c4b468a9984d554a993dc49e6d285598fb672691");
        static final byte[] EXPORTER_MASTER = hex("3fd93d4ffddc98e64b14dd107aedf8ee4add23f4510f58a4592d0b201bee56b4");
        static final byte[] SERVER_APPLICATION_KEY = hex("e857c690a34c5a9129d833619684f95e");
        static final byte[] SERVER_APPLICATION_IV = hex("0685d6b561aab9ef1013faf9");
        static final byte[] CLIENT_HANDSHAKE_KEY = hex("b1530806f4adfeac83f1413032bbfa82");
        static final byte[] CLIENT_HANDSHAKE_IV = hex("eb50c16be7654abf99dd06d9");
        static final byte[] CLIENT_VERIFY_DATA = hex("7230a9c952c25cd6138fc5e6628308c41c5335dd81b9f96bcea50fd32bda416d");
        static final byte[] CLIENT_APPLICATION_KEY = hex("3cf122f301c6358ca7989553250efd72");
        static final byte[] CLIENT_APPLICATION_IV = hex("ab1aec26aa78b8fc1176b9ac");
        static final byte[] RESUMPTION_MASTER = hex("5e95bdf1f89005ea2e9aa0ba85e728e3c19c5fe0c699e3f5bee59faebd0b5406");

        private Resumed() {
        }
    }

    /** §5: HelloRetryRequest (the client first offers an X25519 share, the server asks for secp256r1). */
    static final class Retry {
        static final byte[] CLIENT_HELLO_1 = hex("""
                010000b00303b0b1c5a5aa37c5919f2ed1d5c6fff7fcb7849716945a2b8cee9258a346677b6f000006130113031302010000810000
                000b0009000006736572766572ff01000100000a00080006001d00170018003300260024001d0020e8e8e3f3b93a25ed97a14a7dca
                cb8a272c6288e585c6484d05262fcad062ad1f002b0003020304000d0020001e04030503060302030804080508060401050106010201
                0402050206020202002d00020101001c00024001""");
        static final byte[] HELLO_RETRY_REQUEST = hex("""
                020000ac0303cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c00130100008400330002001700
                2c0074007271dcd04bb88bc3189119398a00000000eefafc76c146b823b096f8aacad365dd0030953f4edf625636e5f21bb2e23fcc65
                4b1b5b40318d10d137abcbb87574e36e8a1f025f7dfa5d6e50781b5eda4aa15b0c8be778257d16aa3030e9e7841dd9e4c0342267e8
                ca0caf571fb2b7cff0f934b0002b00020304""");
        static final byte[] CLIENT_HELLO_2 = concat(hex("""
                010001fc0303b0b1c5a5aa37c5919f2ed1d5c6fff7fcb7849716945a2b8cee9258a346677b6f000006130113031302010001cd0000
                000b0009000006736572766572ff01000100000a00080006001d001700180033004700450017004104a6da7392ec591e17abfd5359
                64b99894d13befb221b3def2ebe3830eac8f0151812677c4d6d2237e85cf01d6910cfb83954e76ba7352830534159897e806578000
                2b0003020304000d0020001e040305030603020308040805080604010501060102010402050206020202002c0074007271dcd04bb8
                8bc3189119398a00000000eefafc76c146b823b096f8aacad365dd0030953f4edf625636e5f21bb2e23fcc654b1b5b40318d10d137
                abcbb87574e36e8a1f025f7dfa5d6e50781b5eda4aa15b0c8be778257d16aa3030e9e7841dd9e4c0342267e8ca0caf571fb2b7cff0
                f934b0002d00020101001c00024001001500af"""),
                new byte[0xaf]); // the padding extension's zeros
        static final byte[] SERVER_HELLO = hex("""
                020000770303bb341d847fd789c47c387172dc0c9bf147fccacb5043d86ca4c598d3ff571b9800130100004f003300450017004104
                583e054b7a66672ae020ad9d2686fcc85b5ad41a134a0f03ee72b893052bd85b4c8de6776f5b04ac07d83540eab3e3d9c547bc6528
                c4317d294686093a6cad7d002b00020304""");
        static final byte[] SHARED_SECRET = hex("c142ce13ca11b5c2233652e63ad3d97844f1621fbfb9de69d547dc8fedeabeb4");
        static final byte[] HELLO_HASH = hex("8aa8e828ec2f8a884fec95a3139de01c15a3daa7ff5bfc3f4bfcc21b438d7bf8");
        static final byte[] HANDSHAKE_SECRET = hex("ce022e5e6e81e50736d773f2d3adfce8220d049bf510f0dbfac927ef4243b148");
        static final byte[] CLIENT_HANDSHAKE_TRAFFIC = hex("158aa7ab8855073582b41d674b4055cabcc534728f659314861b4e08e2011566");
        static final byte[] SERVER_HANDSHAKE_TRAFFIC = hex("3403e781e2af7b6508da28574f6e95a1abf162de83a97927c37672a4a0cef8a1");

        private Retry() {
        }
    }
}
